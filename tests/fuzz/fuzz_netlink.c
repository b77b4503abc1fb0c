/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hal/netlink.c and hal/linkwatch.c: rtnetlink datagrams from the kernel
 * (ACK/ERROR replies, link events). An error they pass on must be a negative
 * errno the callers can print and negate: the kernel's range, -4095..-1
 * (MAX_ERRNO in include/linux/err.h).
 */
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

#include "fuzz.h"
#include "linkwatch.h"
#include "netlink.h"

#define FUZZ_MAX_ERRNO 4095

static void ack(const uint8_t *data, size_t size)
{
	struct nlmsghdr h;
	uint32_t seq = 1;
	char msg[128];
	int ret, err = 1;

	/* The sequence number of the first message, so that the fuzzer can match it. */
	if (size >= sizeof(h)) {
		memcpy(&h, data, sizeof(h));
		seq = h.nlmsg_seq;
	}
	ret = nl_parse_ack(data, size, seq, &err, msg, sizeof(msg));
	fuzz_require(ret == 0 || ret == -EBADMSG || ret == -ENOMSG, "ack: documented result");
	if (ret)
		return;
	fuzz_require(err <= 0 && err >= -FUZZ_MAX_ERRNO, "ack: 0 or a negative errno");
	fuzz_require(fuzz_terminated(msg, sizeof(msg)), "ack: message terminated");
}

static void link_event(const uint8_t *data, size_t size)
{
	struct linkwatch_link st = { 0 };
	char why[64];
	bool done;
	int ret;

	ret = linkwatch_parse(data, size, "wwan0", &st, &done);
	fuzz_require(ret == 0 || ret == 1 || (ret < 0 && ret >= -FUZZ_MAX_ERRNO),
		     "linkwatch: 0, 1 or a negative errno");
	fuzz_require(st.present || (!st.admin_up && !st.carrier), "linkwatch: up only if present");
	if (linkwatch_link_up(&st, why, sizeof(why)))
		fuzz_require(why[0] == '\0', "linkwatch: up without a reason");
	else
		fuzz_require(why[0] != '\0', "linkwatch: down with a reason");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ack(data, size);
	link_event(data, size);
	return 0;
}
