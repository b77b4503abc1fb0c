// SPDX-License-Identifier: GPL-2.0-or-later
/* Output and argument helpers shared by the mcmigctl commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl-util.h"

void ctl_json_str(const char *s, bool ascii_only)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || (ascii_only && c >= 0x7f))
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int ctl_parse_uint(const char *s, unsigned long max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || !v || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}
