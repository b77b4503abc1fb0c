// SPDX-License-Identifier: GPL-2.0-or-later
/* AT command-line codec (see at-codec.h). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "at-codec.h"

int at_next_line(const uint8_t *buf, size_t len, char *line)
{
	size_t start = 0, i;

	while (start < len && (buf[start] == '\n' || buf[start] == '\0'))
		start++;
	for (i = start; i < len; i++) {
		if (buf[i] != '\r')
			continue;
		if (i - start > AT_LINE_MAX - 1)
			return -E2BIG;
		memcpy(line, buf + start, i - start);
		line[i - start] = '\0';
		return (int)(i + 1);
	}
	if (len - start > AT_LINE_MAX - 1)
		return -E2BIG;
	return 0;
}

/* Splits "a,\"b,c\",,d" into parameters. */
static int at_parse_args(const char *p, struct at_cmd *cmd)
{
	for (;;) {
		char *out;
		size_t n = 0;

		if (cmd->n_args == AT_ARGS_MAX)
			return -EINVAL;
		out = cmd->args[cmd->n_args++];
		while (*p == ' ')
			p++;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (n == AT_ARG_MAX - 1)
					return -EINVAL;
				out[n++] = *p++;
			}
			if (*p != '"')
				return -EINVAL;
			p++;
			while (*p == ' ')
				p++;
		} else {
			while (*p && *p != ',') {
				if (n == AT_ARG_MAX - 1)
					return -EINVAL;
				out[n++] = *p++;
			}
			while (n > 0 && out[n - 1] == ' ')
				n--;
		}
		out[n] = '\0';
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return -EINVAL;
		p++;
	}
}

int at_parse(const char *line, struct at_cmd *cmd)
{
	const char *p = line;
	size_t n = 0;

	memset(cmd, 0, sizeof(*cmd));
	while (*p == ' ')
		p++;
	if (toupper((unsigned char)p[0]) != 'A' || toupper((unsigned char)p[1]) != 'T')
		return -EINVAL;
	p += 2;
	if (*p == '\0')
		return 0;
	if (toupper((unsigned char)*p) == 'D') {
		/* V.250 6.3.1: the rest of the line is the dial string. */
		cmd->name[0] = 'D';
		cmd->n_args = 1;
		if (strlen(p + 1) >= AT_ARG_MAX)
			return -EINVAL;
		strcpy(cmd->args[0], p + 1);
		return 0;
	}
	if (*p == '+' || *p == '$' || *p == '^' || *p == '*' || *p == '%' || *p == '&') {
		cmd->name[n++] = *p++;
		while (isalnum((unsigned char)*p)) {
			if (n == AT_NAME_MAX - 1)
				return -EINVAL;
			cmd->name[n++] = (char)toupper((unsigned char)*p++);
		}
		if (n == 1)
			return -EINVAL;
	} else {
		/* Basic commands: the whole rest, e.g. "E0 V1", "Z", "I". */
		while (*p) {
			if (*p == ' ') {
				p++;
				continue;
			}
			if (n == AT_NAME_MAX - 1)
				return -EINVAL;
			cmd->name[n++] = (char)toupper((unsigned char)*p++);
		}
		return 0;
	}
	cmd->name[n] = '\0';
	if (*p == '\0') {
		cmd->form = AT_FORM_ACTION;
		return 0;
	}
	if (p[0] == '?' && p[1] == '\0') {
		cmd->form = AT_FORM_READ;
		return 0;
	}
	if (p[0] == '=' && p[1] == '?' && p[2] == '\0') {
		cmd->form = AT_FORM_TEST;
		return 0;
	}
	if (p[0] != '=')
		return -EINVAL;
	cmd->form = AT_FORM_SET;
	return at_parse_args(p + 1, cmd);
}
