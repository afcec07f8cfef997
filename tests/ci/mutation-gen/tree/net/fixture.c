// SPDX-License-Identifier: GPL-2.0
/* A small C file for the ctest check of ci/mutation generate: one function per kind of mutant,
 * and the things that must never be mutated (comments, strings, characters, directives). */
#define LIMIT(a, b) ((a) < (b) ? (a) : (b))
#define __holds(x) /* an annotation between the parameters and the body, as __acquires(x) */

static const char *banner = "a < b && c || 3";

int relational(int a, int b)
{
	return a < b;
}

int condition(int a)
{
	/* if (a < 2) in a comment: never mutated */
	if (a)
		return 1;
	do {
		a--;
	} while (0);
	while (a != 0x1F)
		a++;
	return 0;
}

int operands(int a, int b, int c)
{
	if (a && (b || c))
		return 0;
	return 5;
}

int untouchable(int a)
{
	const char *s = "x == 7 || y";
	char c = '<';
#if 3 > 2
	a += sizeof(s) + c;
#endif
	return a;
}

int attributed(int a) __holds(lock);
int attributed(int a) __holds(lock)
{
	return a + banner[0];
}

#define OPT_IN 1
#define OPT_OUT 2
#define OPT_ALSO_IN 3

/* A function that serves many options: the inventory's "cases" keeps OPT_IN and OPT_ALSO_IN */
int options(int optname, int val)
{
	int ret = 0;

	switch (optname) {
	case OPT_IN:
		ret = val > 4;
		break;
	case OPT_OUT:
		ret = val < 5;
		break;
	case OPT_ALSO_IN:
	case 9:
		ret = val == 6;
		break;
	default:
		ret = val != 8;
	}
	return ret;
}

/* Its string options, in a switch of their own: none is in "cases", so none is mutated; the
 * switch of an option's values inside a kept block is */
int more_options(int optname, int val)
{
	switch (optname) {
	case OPT_OUT:
		return val >= 11;
	}
	switch (optname) {
	case OPT_IN:
		switch (val) {
		case 12:
			return 1;
		}
		break;
	case OPT_OUT:
		return val <= 13;
	}
	return 0;
}
