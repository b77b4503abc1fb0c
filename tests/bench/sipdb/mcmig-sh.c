// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-sh — command-line front end of the Sh client (shc.h), for tests and
 * for poking a bench SIP database by hand.
 *
 *   mcmig-sh OPTIONS outbound IMPU [IMPI]
 *   mcmig-sh OPTIONS inbound OUTBOUND-IMPI OUTBOUND-IMPU PRIMARY-HOST PRIMARY-REALM
 *   mcmig-sh OPTIONS revoke IMPU
 *   mcmig-sh OPTIONS revoke-inbound OUT-IMPI OUT-IMPU PRIMARY-HOST
 *
 * Prints the identities as impi=/impu=/sipdb_host=/sipdb_realm= lines.
 * Exit: 0 ok, 2 usage, 3 user unknown, 4 not allowed, 5 timeout,
 * 6 not connected, 7 pool exhausted, 1 anything else.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shc.h"

/* freeDiameter's FD_LOG_NOTICE, without its headers in a CLI. */
#define FD_LOG_NOTICE_LEVEL 3

static void usage(FILE *f)
{
	fprintf(f, "usage: mcmig-sh --identity ID --realm REALM --peer HOST --peer-realm REALM\n"
		   "                --peer-addr IPV4 [--peer-port N] [--local-port N]\n"
		   "                [--timeout MS] [--work-dir DIR] [--debug] COMMAND ARGS\n"
		   "commands: outbound IMPU [IMPI]\n"
		   "          inbound OUTBOUND-IMPI OUTBOUND-IMPU PRIMARY-HOST PRIMARY-REALM\n"
		   "          revoke IMPU\n"
		   "          revoke-inbound OUT-IMPI OUT-IMPU PRIMARY-HOST\n");
}

static int exit_code(int err)
{
	switch (err) {
	case 0:
		return 0;
	case -ENOENT:
		return 3;
	case -EACCES:
		return 4;
	case -ETIMEDOUT:
		return 5;
	case -ENOTCONN:
		return 6;
	case -ENOSPC:
		return 7;
	case -EINVAL:
		return 2;
	}
	return 1;
}

static int parse_port(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || !v || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static void print_id(const struct shc_identity *id)
{
	printf("impi=%s\nimpu=%s\nsipdb_host=%s\nsipdb_realm=%s\n", id->impi, id->impu,
	       id->sipdb_host, id->sipdb_realm);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "realm", required_argument, NULL, 'r' },
		{ "peer", required_argument, NULL, 'p' },
		{ "peer-realm", required_argument, NULL, 'R' },
		{ "peer-addr", required_argument, NULL, 'a' },
		{ "peer-port", required_argument, NULL, 'P' },
		{ "local-port", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "work-dir", required_argument, NULL, 'w' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct shc_params p = { 0 };
	struct shc_identity a, b;
	unsigned long timeout = 5000;
	const char *cmd;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			p.identity = optarg;
			break;
		case 'r':
			p.realm = optarg;
			break;
		case 'p':
			p.peer = optarg;
			break;
		case 'R':
			p.peer_realm = optarg;
			break;
		case 'a':
			p.peer_addr = optarg;
			break;
		case 'P':
			if (parse_port(optarg, &p.peer_port))
				goto bad;
			break;
		case 'l':
			if (parse_port(optarg, &p.local_port))
				goto bad;
			break;
		case 't':
			errno = 0;
			timeout = strtoul(optarg, &end, 10);
			if (errno || *end || !timeout || timeout > 600000)
				goto bad;
			break;
		case 'w':
			p.work_dir = optarg;
			break;
		case 'd':
			p.debug = FD_LOG_NOTICE_LEVEL;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind >= argc || !p.identity || !p.realm || !p.peer || !p.peer_realm || !p.peer_addr)
		goto bad;
	cmd = argv[optind++];
	if (!strcmp(cmd, "outbound")) {
		if (argc - optind < 1 || argc - optind > 2)
			goto bad;
	} else if (!strcmp(cmd, "inbound")) {
		if (argc - optind != 4)
			goto bad;
	} else if (!strcmp(cmd, "revoke-inbound")) {
		if (argc - optind != 3)
			goto bad;
	} else if (!strcmp(cmd, "revoke")) {
		if (argc - optind != 1)
			goto bad;
	} else {
		goto bad;
	}

	ret = shc_start(&p, (unsigned int)timeout);
	if (ret) {
		fprintf(stderr, "mcmig-sh: cannot reach %s: %s\n", p.peer, strerror(-ret));
		shc_stop();
		return exit_code(ret);
	}
	if (!strcmp(cmd, "outbound")) {
		ret = shc_outbound_get(argv[optind], argc - optind > 1 ? argv[optind + 1] : NULL,
				       (unsigned int)timeout, &a);
		if (!ret)
			print_id(&a);
	} else if (!strcmp(cmd, "inbound")) {
		memset(&a, 0, sizeof(a));
		snprintf(a.impi, sizeof(a.impi), "%s", argv[optind]);
		snprintf(a.impu, sizeof(a.impu), "%s", argv[optind + 1]);
		snprintf(a.sipdb_host, sizeof(a.sipdb_host), "%s", argv[optind + 2]);
		snprintf(a.sipdb_realm, sizeof(a.sipdb_realm), "%s", argv[optind + 3]);
		ret = shc_inbound_get(&a, (unsigned int)timeout, &b);
		if (!ret)
			print_id(&b);
	} else if (!strcmp(cmd, "revoke-inbound")) {
		memset(&a, 0, sizeof(a));
		snprintf(a.impi, sizeof(a.impi), "%s", argv[optind]);
		snprintf(a.impu, sizeof(a.impu), "%s", argv[optind + 1]);
		snprintf(a.sipdb_host, sizeof(a.sipdb_host), "%s", argv[optind + 2]);
		ret = shc_inbound_revoke(&a, (unsigned int)timeout);
	} else {
		ret = shc_outbound_revoke(argv[optind], (unsigned int)timeout);
	}
	if (ret)
		fprintf(stderr, "mcmig-sh: %s failed: %s\n", cmd, strerror(-ret));
	shc_stop();
	return exit_code(ret);
bad:
	usage(stderr);
	return 2;
}
