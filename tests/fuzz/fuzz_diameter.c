/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Cx/Sh messages the bench SIP DB and the Sh client receive, from the
 * bytes on the wire: libfdproto's parser and dictionary (with fdx.c's Cx/Sh
 * definitions), then what sipdb.c and shc.c read with fdx.c's accessors (the
 * identities, SIP-Auth-Data-Item, the result, Sh-Data in User-Data) and the
 * partner's MAR/MAA proxy copy (fdx_copy_children). The freeDiameter core is
 * initialised for its dictionary but never started: no peer, no routing, so
 * the request handlers of sipdb.c themselves (which answer through the core)
 * are not driven; their reads are.
 */
#include <errno.h>
#include <string.h>

#include "fdx.h"
#include "fuzz.h"
#include "shdata.h"

/* What sipdb.c copies between the S-CSCF's MAR and the primary's MAA. */
static const uint32_t copied[] = { 602, 607, 612 };

static void init_once(void)
{
	static bool ready;

	if (ready)
		return;
	fd_g_debug_lvl = FD_LOG_FATAL;
	if (fd_core_initialize() || fdx_dict_init())
		abort();
	ready = true;
}

static void check_cstr(msg_or_avp *parent, struct dict_object *model)
{
	char buf[256];
	int ret;

	ret = fdx_copy_cstr(parent, model, buf, sizeof(buf));
	fuzz_require(ret == 0 || ret == -ENOENT || ret == -ENAMETOOLONG, "copy_cstr: result");
	if (!ret)
		fuzz_require(strlen(buf) < sizeof(buf), "copy_cstr: terminated");
}

static void sh_data(struct msg *m)
{
	struct shc_identity id;
	char si[SHC_ID_MAX];
	const uint8_t *ud;
	size_t len;
	bool has;

	ud = fdx_get_str(m, fdx.sh_user_data, &len);
	if (ud)
		shd_parse(ud, len, si, sizeof(si), &id, &has);
}

static void reads(struct msg *m)
{
	struct avp *item, *ui;
	uint32_t v, code;
	size_t len;
	bool exp;

	check_cstr(m, fdx.user_name);
	check_cstr(m, fdx.public_identity);
	check_cstr(m, fdx.server_name);
	check_cstr(m, fdx.service_indication);
	fdx_get_u32(m, fdx.sip_number_auth_items, &v);
	fdx_get_u32(m, fdx.data_reference, &v);
	item = fdx_find(m, fdx.sip_auth_data_item);
	if (item) {
		fdx_get_str(item, fdx.sip_authorization, &len);
		check_cstr(item, fdx.sip_auth_scheme);
		fdx_get_str(item, fdx.sip_authenticate, &len);
	}
	ui = fdx_find(m, fdx.user_identity);
	if (ui)
		check_cstr(ui, fdx.public_identity);
	fdx_result(m, &code, &exp);
	sh_data(m);
}

static void proxy_copy(struct msg *m)
{
	struct msg *out;
	uint8_t *buf;
	size_t len;

	if (fd_msg_new(fdx.maa, 0, &out))
		abort();
	if (fdx_copy_children(out, m, FDX_VENDOR_3GPP, copied,
			      sizeof(copied) / sizeof(copied[0])) == 0 &&
	    fd_msg_bufferize(out, &buf, &len) == 0)
		free(buf);
	fd_msg_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg *m;
	uint8_t *buf;

	init_once();
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	/* On success the message owns the buffer. */
	if (fd_msg_parse_buffer(&buf, size, &m)) {
		free(buf);
		return 0;
	}
	if (fd_msg_parse_dict(m, fd_g_config->cnf_dict, NULL) == 0) {
		reads(m);
		proxy_copy(m);
	}
	fd_msg_free(m);
	return 0;
}
