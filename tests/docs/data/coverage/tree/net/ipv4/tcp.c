/* A stand-in for the kernel file: two definitions and a declaration that is not one, in the
 * kernel's own style (a space before a parameter list, the brace on its own line). */
/* clang-format off */
void tcp_close(struct sock *sk, long timeout);

void tcp_close(struct sock *sk, long timeout)
{
}

static void tcp_keepalive_timer (struct timer_list *t)
{
}

int tcp_only_declared(int how);
