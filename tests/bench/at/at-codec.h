/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure AT command-line codec of the AT modem emulator (TS 27.007 4, V.250 5):
 * splits the byte stream into command lines and parses one extended command
 * into its name, form (action, set, read, test) and parameters.
 */
#ifndef MCMIG_AT_CODEC_H
#define MCMIG_AT_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define AT_LINE_MAX 512
#define AT_ARGS_MAX 12
#define AT_ARG_MAX  128
#define AT_NAME_MAX 16

enum at_form {
	AT_FORM_ACTION, /* AT+CGSN, ATD*99# */
	AT_FORM_SET,	/* AT+CGDCONT=1,"IP","ims" */
	AT_FORM_READ,	/* AT+CPIN? */
	AT_FORM_TEST,	/* AT+CGDCONT=? */
};

struct at_cmd {
	char name[AT_NAME_MAX]; /* "+CGDCONT", "E0", "D", "Z" (upper case) */
	enum at_form form;
	/* Parameters of a SET, or the dial string of D. */
	char args[AT_ARGS_MAX][AT_ARG_MAX];
	size_t n_args;
};

/*
 * Finds the first complete command line in @buf (terminated by CR, V.250
 * 5.2.1; a leading LF left from "\r\n" is skipped) and copies it without the
 * terminator into @line (size AT_LINE_MAX). Returns the number of bytes
 * consumed, 0 when no line is complete yet, or -E2BIG when a line exceeds
 * AT_LINE_MAX - 1 bytes (the caller drops @buf).
 */
int at_next_line(const uint8_t *buf, size_t len, char *line);

/*
 * Parses one command line "AT<command>". Basic commands other than D take no
 * parameters here (ATE0 -> name "E0"); "AT" alone gives the empty name.
 * Quoted parameters lose their quotes; empty parameters stay as "". Returns
 * 0, or -EINVAL (no "AT" prefix, unterminated string, bad form, too many or too long parameters).
 */
int at_parse(const char *line, struct at_cmd *cmd);

#endif
