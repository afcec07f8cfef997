/* A stand-in for the kernel file: two definitions and a declaration that is not one. */
void tcp_close(struct sock *sk, long timeout);

void tcp_close(struct sock *sk, long timeout)
{
}

static void tcp_keepalive_timer (struct timer_list *t)
{
}

int tcp_only_declared(int how);
