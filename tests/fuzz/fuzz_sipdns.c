/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/sipdns.c: DNS answers from the partner's server (NAPTR, SRV, A,
 * AAAA) decoded into fixed records, then RFC 3263 NAPTR selection and
 * RFC 2782 SRV order over whatever was accepted. One input goes through
 * every decoder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "sipdns.h"

static uint32_t fixed_random(void *ctx)
{
	uint32_t *v = ctx;

	*v = *v * 1103515245u + 12345u;
	return *v;
}

static void check_naptr(const uint8_t *data, size_t size)
{
	struct sipdns_naptr r[SIPDNS_RECORDS_MAX];
	struct sipdns_service out[SIPDNS_RECORDS_MAX];
	size_t n = 0, m, i;
	int ret = sipdns_parse_naptr(data, size, r, SIPDNS_RECORDS_MAX, &n);

	fuzz_require(ret == 0 || ret == -ENODATA || ret == -EBADMSG,
		     "NAPTR: 0, -ENODATA, -EBADMSG");
	fuzz_require(ret == 0 ? n >= 1 && n <= SIPDNS_RECORDS_MAX : n == 0, "NAPTR count");
	for (i = 0; i < n; i++)
		fuzz_require(fuzz_terminated(r[i].flags, sizeof(r[i].flags)) &&
				     fuzz_terminated(r[i].service, sizeof(r[i].service)) &&
				     fuzz_terminated(r[i].replacement, sizeof(r[i].replacement)),
			     "NAPTR strings terminated");
	m = sipdns_select_naptr(r, n, out, SIPDNS_RECORDS_MAX);
	fuzz_require(m <= n, "no more services than records");
	for (i = 0; i < m; i++)
		fuzz_require(out[i].name[0] && strcmp(out[i].name, ".") &&
				     (out[i].transport == SIPDNS_UDP ||
				      out[i].transport == SIPDNS_TCP),
			     "a selected service names an SRV owner and UDP or TCP");
}

static void check_srv(const uint8_t *data, size_t size)
{
	struct sipdns_srv r[SIPDNS_RECORDS_MAX], out[SIPDNS_RECORDS_MAX];
	uint32_t seed = (uint32_t)size;
	size_t n = 0, m, i;
	int ret = sipdns_parse_srv(data, size, r, SIPDNS_RECORDS_MAX, &n);

	fuzz_require(ret == 0 || ret == -ENODATA || ret == -EBADMSG, "SRV: 0, -ENODATA, -EBADMSG");
	fuzz_require(ret == 0 ? n >= 1 && n <= SIPDNS_RECORDS_MAX : n == 0, "SRV count");
	for (i = 0; i < n; i++)
		fuzz_require(fuzz_terminated(r[i].target, sizeof(r[i].target)),
			     "SRV target terminated");
	m = sipdns_order_srv(r, n, fixed_random, &seed, out);
	fuzz_require(m <= n, "no more targets than records");
	for (i = 0; i < m; i++) {
		fuzz_require(strcmp(out[i].target, ".") != 0, "no \".\" target kept");
		fuzz_require(i == 0 || out[i - 1].priority <= out[i].priority,
			     "lowest priority first (RFC 2782)");
	}
}

static void check_addr(const uint8_t *data, size_t size, int family)
{
	char out[SIPDNS_RECORDS_MAX][SIPDNS_ADDR_MAX];
	uint8_t bin[16];
	size_t n = 0, i;
	int ret = sipdns_parse_addr(data, size, family, out, SIPDNS_RECORDS_MAX, &n);

	fuzz_require(ret == 0 || ret == -ENODATA || ret == -EBADMSG,
		     "A/AAAA: 0, -ENODATA, -EBADMSG");
	fuzz_require(ret == 0 ? n >= 1 : n == 0, "A/AAAA count");
	for (i = 0; i < n; i++)
		fuzz_require(inet_pton(family, out[i], bin) == 1, "an address of the family asked");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_naptr(data, size);
	check_srv(data, size);
	check_addr(data, size, AF_INET);
	check_addr(data, size, AF_INET6);
	return 0;
}
