// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sipreg against a fake P-CSCF on loopback (UDP and TCP) driven by scripted
 * answers, with the card (card.c) over a fake ISIM reader (fake-isim.c) whose
 * AUTHENTICATE answers come from the script. The fake P-CSCF checks every
 * digest response independently (digest.c is verified against the vectors in
 * test_digest) and writes one line per request; with the results these lines
 * are the golden trace of each scenario.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gio/gio.h>

#include "card.h"
#include "digest.h"
#include "fake-isim.h"
#include "sipmsg.h"
#include "sipreg.h"
#include "util.h"

/* ims-aka.txt example A */
#define A_NONCE "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M="
#define A_RES	"a54211d5e3ba50bf"
#define A_CK	"b40ba9a3c58b2a05bbf0d987b21bf8cb"
#define A_IK	"f769bcd751044604127672711c6d3441"
#define A_AUTS	"451e8beca41bf8ee589d46d835c9"
#define IMPI	"user1@ims.example.org"
#define IMPU	"sip:user1@ims.example.org"
#define DOMAIN	"ims.example.org"

#define CHAL_V1                                                                       \
	"WWW-Authenticate: Digest realm=\"ims.example.org\", nonce=\"" A_NONCE "\", " \
	"algorithm=AKAv1-MD5, qop=\"auth\", ck=\"" A_CK "\", ik=\"" A_IK "\"\r\n"
#define CHAL_V2                                                                       \
	"WWW-Authenticate: Digest realm=\"ims.example.org\", nonce=\"" A_NONCE "\", " \
	"algorithm=AKAv2-MD5, qop=\"auth\", opaque=\"op1\"\r\n"

/* One scripted answer of the fake P-CSCF. */
struct answer {
	const char *status; /* NULL: stay silent */
	const char *headers;
	bool drop_first;	      /* ignore the first copy: the UE must retransmit (Timer E) */
	unsigned int contact_expires; /* > 0: echo the UE's Contact with this expires= */
	/* A hostile P-CSCF: */
	const char *raw;     /* sent as is instead of a response built from the request */
	unsigned int copies; /* > 1: sent this many times */
	size_t nul_at;	     /* > 0: this byte of the response becomes a NUL */
	const char *branch;  /* Via branch instead of the request's */
	const char *cseq;    /* CSeq instead of the request's */
	const char *call_id; /* Call-ID instead of the request's */
	const char *tail;    /* instead of "Content-Length: 0" CRLF CRLF */
};

/* One scripted answer to a SUBSCRIBE. */
struct sub_answer {
	const char *status;
	unsigned int expires; /* Expires of a 2xx */
};

/* One NOTIFY the fake S-CSCF sends: our contact (or another) in a partial reginfo. */
struct notify {
	const char *state, *event; /* of the contact (and of its registration) */
	unsigned int version;
	unsigned int expires;  /* of an active contact */
	const char *aor;       /* NULL: the UE's IMPU */
	bool other_contact;    /* another port than the UE's */
	bool other_call;       /* outside the subscription's dialog */
	bool wait_subscribe;   /* sent after the next SUBSCRIBE's 2xx, not at once */
	const char *sub_state; /* NULL: "active;expires=600000" */
};

/* One scripted card answer. */
struct card_answer {
	int err;
	enum uicc_auth_status status;
	const char *res; /* hex */
};

struct scenario {
	const struct answer *answers;
	size_t n_answers;
	const struct card_answer *cards;
	size_t n_cards;
	enum sipreg_transport transport;
	const char *impu; /* NULL: IMPU */
	bool stay_for_refresh;
	unsigned int max_auth_failures;
	unsigned int min_copies;   /* of the last request: Timer E retransmissions seen */
	bool closed_port;	   /* send to a port nobody listens on (ICMP error) */
	bool stop_at_start;	   /* sipreg_stop() right after sipreg_start() */
	bool free_in_card;	   /* sipreg_free() while the card works, then the card answers */
	const char *first_request; /* full text of request 1 (port and version normalised) */
	const char *golden;
	const char *events;		/* sipreg's events, when checked */
	unsigned int reg_event_expires; /* > 0: sipreg subscribes to the reg event */
	const struct sub_answer *sub_answers;
	size_t n_sub_answers;
	const struct notify *notifies;
	size_t n_notifies;
	bool stop_after_notifies;	    /* sipreg_stop() once the UE answered the last NOTIFY */
	unsigned int refreshes_before_stop; /* refreshes that do not stop the scenario */
};

struct fake {
	const struct scenario *sc;
	GMainLoop *loop;
	GSocket *udp, *listen, *conn;
	GSource *udp_src, *listen_src, *conn_src;
	GByteArray *rx;
	unsigned int port;
	size_t next_answer;
	char last_branch[64];
	bool dropped;
	unsigned int copies; /* of the current request */
	GString *trace;
	char first_request[2048];
	size_t card_next;
	struct card_answer card_now; /* written before the card is asked, read by its worker */
	gint card_bad_input;
	struct card *card;
	GString *events; /* sipreg's events */
	struct sipreg *reg;
	unsigned int rand_ctr;
	bool done;
	unsigned int refreshes;
	/* The reg event subscription as the fake S-CSCF sees it. */
	size_t next_sub, next_notify;
	char sub_branch[64], sub_call_id[128], ue_tag[64], ue_contact[256];
	GSocketAddress *ue_addr;
	bool sub_tcp;
	unsigned int notify_cseq;
	char *tcp_peer_note;
};

static struct fake *F;

static void fake_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(F->rand_ctr++ * 37 + 11);
}

/* ---- request inspection ---- */

static bool header(const char *msg, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);
	const char *p = msg;

	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *e = strstr(v, "\r\n");

			while (*v == ' ')
				v++;
			g_strlcpy(out, v, MIN(size, (size_t)(e - v) + 1));
			return true;
		}
	}
	return false;
}

static bool param(const char *auth, const char *name, char *out, size_t size)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "%s=", name);
	for (p = auth; (p = strstr(p, key)); p++) {
		const char *v, *e;

		if (p != auth && p[-1] != ' ' && p[-1] != ',')
			continue;
		v = p + strlen(key);
		if (*v == '"') {
			v++;
			e = strchr(v, '"');
		} else {
			e = v + strcspn(v, ", ");
		}
		g_strlcpy(out, v, MIN(size, (size_t)(e - v) + 1));
		return true;
	}
	return false;
}

/* Checks the Authorization like an S-CSCF would and describes it in one word. */
static void classify_auth(const char *auth, GString *line)
{
	char v[256], nonce[256], resp[64], cnonce[64], nc[16], algo[16], uri[128], auts[64];
	uint8_t res[16], ck[16], ik[16], ha1[16], ha2[16];
	char expect[DIGEST_HEX_LEN], pw[DIGEST_AKAV2_PW_LEN];
	size_t res_len;
	bool v2;

	assert_true(param(auth, "username", v, sizeof(v)));
	assert_string_equal(v, IMPI);
	assert_true(param(auth, "uri", uri, sizeof(uri)));
	assert_string_equal(uri, "sip:" DOMAIN);
	assert_true(param(auth, "nonce", nonce, sizeof(nonce)));
	assert_true(param(auth, "response", resp, sizeof(resp)));
	assert_true(param(auth, "algorithm", algo, sizeof(algo)));
	if (!nonce[0]) {
		assert_string_equal(resp, "");
		assert_false(param(auth, "auts", v, sizeof(v)));
		g_string_append(line, " initial");
		return;
	}
	assert_string_equal(nonce, A_NONCE);
	v2 = strcmp(algo, "AKAv2-MD5") == 0;
	if (v2) {
		assert_true(param(auth, "opaque", v, sizeof(v)));
		assert_string_equal(v, "op1");
	}
	if (!resp[0]) {
		assert_false(param(auth, "auts", v, sizeof(v)));
		g_string_append(line, " mac-failure");
		return;
	}
	assert_true(param(auth, "cnonce", cnonce, sizeof(cnonce)));
	assert_true(param(auth, "nc", nc, sizeof(nc)));
	assert_true(param(auth, "qop", v, sizeof(v)));
	assert_string_equal(v, "auth");
	digest_ha2("REGISTER", uri, ha2);
	if (param(auth, "auts", auts, sizeof(auts))) {
		/* RFC 3310 3.4: empty password. */
		digest_ha1(IMPI, DOMAIN, NULL, 0, ha1);
		digest_response(ha1, nonce, (uint32_t)strtoul(nc, NULL, 16), cnonce, "auth", ha2,
				expect);
		assert_string_equal(resp, expect);
		g_string_append_printf(line, " %s auts=%s", algo, auts);
		return;
	}
	assert_int_equal(util_hex_decode_var(A_RES, res, sizeof(res), &res_len), 0);
	if (F->sc->cards && F->card_next && F->sc->cards[F->card_next - 1].res)
		assert_int_equal(util_hex_decode_var(F->sc->cards[F->card_next - 1].res, res,
						     sizeof(res), &res_len),
				 0);
	if (v2) {
		util_hex_decode(A_CK, ck, 16);
		util_hex_decode(A_IK, ik, 16);
		digest_akav2_password(res, res_len, ik, ck, pw);
		digest_ha1(IMPI, DOMAIN, (const uint8_t *)pw, strlen(pw), ha1);
	} else {
		digest_ha1(IMPI, DOMAIN, res, res_len, ha1);
	}
	digest_response(ha1, nonce, (uint32_t)strtoul(nc, NULL, 16), cnonce, "auth", ha2, expect);
	assert_string_equal(resp, expect);
	g_string_append_printf(line, " %s nc=%s ok", algo, nc);
}

/* ---- the fake P-CSCF ---- */

static void fake_send(bool tcp, GSocketAddress *to, const char *msg, size_t len)
{
	if (tcp)
		assert_int_equal(g_socket_send(F->conn, msg, len, NULL, NULL), (gssize)len);
	else
		assert_int_equal(g_socket_send_to(F->udp, to, msg, len, NULL, NULL), (gssize)len);
}

/* The request's Via with another branch. */
static void replace_branch(char *via, size_t size, const char *branch)
{
	char *b = strstr(via, "branch=") + 7;
	char rest[256];

	g_strlcpy(rest, b + strcspn(b, ";"), sizeof(rest));
	g_snprintf(b, size - (size_t)(b - via), "%s%s", branch, rest);
}

/* ---- the fake S-CSCF's reg event (RFC 3680), behind the fake P-CSCF ---- */

/* As Kamailio 5.6 ims_registrar_scscf writes a partial reginfo (tabs, pointer ids). */
#define REGINFO_FMT                                                                    \
	"<?xml version=\"1.0\"?>\n"                                                    \
	"<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"%u\" "            \
	"state=\"partial\">\n"                                                         \
	"\t<registration aor=\"%s\" id=\"0x7f3a2c1b40\" state=\"%s\">\n"               \
	"\t\t<contact id=\"0x7f3a2c1d88\" state=\"%s\" event=\"%s\" expires=\"%u\">\n" \
	"\t\t\t<uri>%s</uri>\n"                                                        \
	"\t\t</contact>\n"                                                             \
	"\t</registration>\n"                                                          \
	"</reginfo>\n"

static void send_notify(void)
{
	const struct notify *n = &F->sc->notifies[F->next_notify++];
	bool active = strcmp(n->state, "active") == 0;
	char uri[300];
	gchar *body, *msg;

	g_strlcpy(uri, F->ue_contact, sizeof(uri));
	if (n->other_contact) /* same host, port 1 */
		g_snprintf(uri, sizeof(uri), "sip:127.0.0.1:1");
	body = g_strdup_printf(REGINFO_FMT, n->version, n->aor ? n->aor : IMPU, n->state, n->state,
			       n->event, active ? n->expires : 0, uri);
	msg = g_strdup_printf("NOTIFY %s SIP/2.0\r\n"
			      "Via: SIP/2.0/%s 127.0.0.1:%u;branch=z9hG4bKnotify%zu\r\n"
			      "To: <" IMPU ">;tag=%s\r\n"
			      "From: <" IMPU ">;tag=scscf1\r\n"
			      "CSeq: %u NOTIFY\r\n"
			      "Call-ID: %s\r\n"
			      "Contact: <sip:scscf.ims.example.org:6060>\r\n"
			      "Event: reg\r\n"
			      "Max-Forwards: 70\r\n"
			      "Subscription-State: %s\r\n"
			      "Content-Type: application/reginfo+xml\r\n"
			      "Content-Length: %zu\r\n\r\n%s",
			      F->ue_contact, F->sub_tcp ? "TCP" : "UDP", F->port, F->next_notify,
			      F->ue_tag, ++F->notify_cseq,
			      n->other_call ? "not-our-dialog" : F->sub_call_id,
			      n->sub_state ? n->sub_state : "active;expires=600000", strlen(body),
			      body);
	g_string_append_printf(F->trace, "  NOTIFY v%u %s/%s%s%s%s\n", n->version, n->state,
			       n->event, n->aor ? " (other user)" : "",
			       n->other_contact ? " (other contact)" : "",
			       n->other_call ? " (other dialog)" : "");
	fake_send(F->sub_tcp, F->ue_addr, msg, strlen(msg));
	g_free(msg);
	g_free(body);
}

static void on_subscribe(const char *req, bool tcp, GSocketAddress *from)
{
	char via[256], fromh[256], to[256], cid[128], cseq[64], expires[16], v[256];
	const struct sub_answer *a;
	const char *b;
	GString *resp;

	/* TS 24.229 5.1.1.3 */
	assert_true(g_str_has_prefix(req, "SUBSCRIBE " IMPU " SIP/2.0\r\n"));
	assert_true(header(req, "Event", v, sizeof(v)));
	assert_string_equal(v, "reg");
	assert_true(header(req, "Accept", v, sizeof(v)));
	assert_string_equal(v, "application/reginfo+xml");
	assert_true(header(req, "P-Preferred-Identity", v, sizeof(v)));
	assert_string_equal(v, "<" IMPU ">");
	assert_true(header(req, "Via", via, sizeof(via)));
	assert_true(header(req, "From", fromh, sizeof(fromh)));
	assert_true(header(req, "To", to, sizeof(to)));
	assert_true(header(req, "Call-ID", cid, sizeof(cid)));
	assert_true(header(req, "CSeq", cseq, sizeof(cseq)));
	assert_true(header(req, "Expires", expires, sizeof(expires)));
	b = strstr(via, "branch=");
	assert_non_null(b);
	if (strncmp(b + 7, F->sub_branch, strlen(F->sub_branch)) == 0 && F->sub_branch[0])
		return; /* a retransmission of what was answered */
	g_strlcpy(F->sub_branch, b + 7, MIN(sizeof(F->sub_branch), strcspn(b + 7, ";") + 1));
	g_string_append_printf(F->trace, "%s %s exp=%s%s%s\n", cseq, tcp ? "tcp" : "udp", expires,
			       strstr(to, ";tag=") ? " in-dialog" : "",
			       header(req, "Route", v, sizeof(v)) ? " route" : "");
	if (header(req, "Route", v, sizeof(v)))
		assert_string_equal(v, "<sip:orig@scscf.example:5060;lr>");
	/* The dialog: the UE's tag, its Contact, where it is. */
	g_strlcpy(F->sub_call_id, cid, sizeof(F->sub_call_id));
	b = strstr(fromh, ";tag=");
	assert_non_null(b);
	g_strlcpy(F->ue_tag, b + 5, sizeof(F->ue_tag));
	assert_true(header(req, "Contact", v, sizeof(v)));
	g_strlcpy(F->ue_contact, v + 1, MIN(sizeof(F->ue_contact), strcspn(v + 1, ";>") + 1));
	g_clear_object(&F->ue_addr);
	F->ue_addr = from ? g_object_ref(from) : NULL;
	F->sub_tcp = tcp;
	if (F->next_sub >= F->sc->n_sub_answers)
		fail_msg("unexpected SUBSCRIBE %zu", F->next_sub);
	a = &F->sc->sub_answers[F->next_sub++];
	resp = g_string_new(NULL);
	g_string_append_printf(resp,
			       "SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\n"
			       "Call-ID: %s\r\nCSeq: %s\r\n",
			       a->status, via, fromh, to, strstr(to, ";tag=") ? "" : ";tag=scscf1",
			       cid, cseq);
	if (a->status[0] == '2')
		g_string_append_printf(resp, "Expires: %u\r\n", a->expires);
	g_string_append(resp, "Content-Length: 0\r\n\r\n");
	fake_send(tcp, from, resp->str, resp->len);
	g_string_free(resp, TRUE);
	if (a->status[0] == '2' && a->expires && F->next_notify < F->sc->n_notifies)
		send_notify();
}

/* The UE's answer to a NOTIFY. */
static void on_notify_answer(const char *resp)
{
	char cseq[64];

	assert_true(header(resp, "CSeq", cseq, sizeof(cseq)));
	assert_non_null(strstr(cseq, "NOTIFY"));
	g_string_append_printf(F->trace, "  answered %.*s\n", (int)strcspn(resp + 8, "\r"),
			       resp + 8);
	if (F->next_notify < F->sc->n_notifies) {
		if (!F->sc->notifies[F->next_notify].wait_subscribe)
			send_notify();
		return;
	}
	if (F->sc->stop_after_notifies)
		assert_int_equal(sipreg_stop(F->reg), 0);
}

static void on_request(const char *req, bool tcp, GSocketAddress *from)
{
	char via[256], fromh[2048], to[2048], cid[128], cseq[64], expires[16], auth[1024],
		branch[64], contact[256];
	const struct answer *a;
	GString *line, *resp;
	unsigned int copy;
	const char *b;

	if (g_str_has_prefix(req, "SUBSCRIBE ")) {
		on_subscribe(req, tcp, from);
		return;
	}
	if (g_str_has_prefix(req, "SIP/2.0 ")) {
		on_notify_answer(req);
		return;
	}
	assert_true(g_str_has_prefix(req, "REGISTER sip:" DOMAIN " SIP/2.0\r\n"));
	assert_true(header(req, "Via", via, sizeof(via)));
	assert_true(header(req, "From", fromh, sizeof(fromh)));
	assert_true(header(req, "To", to, sizeof(to)));
	assert_true(header(req, "Call-ID", cid, sizeof(cid)));
	assert_true(header(req, "CSeq", cseq, sizeof(cseq)));
	assert_true(header(req, "Expires", expires, sizeof(expires)));
	assert_true(header(req, "Authorization", auth, sizeof(auth)));
	assert_true(header(req, "Supported", contact, sizeof(contact)));
	assert_string_equal(contact, "path");
	b = strstr(via, "branch=");
	assert_non_null(b);
	g_strlcpy(branch, b + 7, MIN(sizeof(branch), strcspn(b + 7, ";") + 1));
	if (!F->first_request[0])
		g_strlcpy(F->first_request, req, sizeof(F->first_request));

	if (strcmp(branch, F->last_branch) == 0) {
		F->copies++;
		/* A retransmission of a request we already answered or dropped. */
		if (!F->dropped)
			return;
	} else {
		g_strlcpy(F->last_branch, branch, sizeof(F->last_branch));
		F->copies = 1;
		F->dropped = false;
		line = g_string_new(NULL);
		g_string_append_printf(line, "%s %s exp=%s", cseq, tcp ? "tcp" : "udp", expires);
		classify_auth(auth, line);
		g_string_append_printf(F->trace, "%s\n", line->str);
		g_string_free(line, TRUE);
	}
	if (F->next_answer >= F->sc->n_answers)
		fail_msg("unexpected request %zu: %s", F->next_answer, cseq);
	a = &F->sc->answers[F->next_answer];
	if (!a->status && !a->raw)
		return; /* silent: the UE must give up at Timer F */
	if (a->drop_first && F->copies == 1) {
		F->dropped = true;
		return;
	}
	if (F->dropped)
		g_string_append_printf(F->trace, "  (answered copy %u)\n", F->copies);
	F->dropped = false;
	F->next_answer++;
	if (a->branch)
		replace_branch(via, sizeof(via), a->branch);
	resp = g_string_new(NULL);
	if (a->raw) {
		g_string_append(resp, a->raw);
	} else {
		g_string_append_printf(resp,
				       "SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=fake\r\n"
				       "Call-ID: %s\r\nCSeq: %s\r\n%s",
				       a->status, via, fromh, to, a->call_id ? a->call_id : cid,
				       a->cseq ? a->cseq : cseq, a->headers ? a->headers : "");
		if (a->contact_expires) {
			assert_true(header(req, "Contact", contact, sizeof(contact)));
			g_string_append_printf(resp, "Contact: %s;expires=%u\r\n", contact,
					       a->contact_expires);
		}
		g_string_append(resp, a->tail ? a->tail : "Content-Length: 0\r\n\r\n");
	}
	if (a->nul_at) {
		assert_true(a->nul_at < resp->len);
		resp->str[a->nul_at] = '\0';
	}
	for (copy = 0; copy < MAX(a->copies, 1U); copy++)
		fake_send(tcp, from, resp->str, resp->len);
	g_string_free(resp, TRUE);
}

static gboolean on_udp(GSocket *s, GIOCondition c, gpointer d)
{
	char buf[SIPMSG_MAX_LEN + 1];
	GSocketAddress *from = NULL;
	gssize n;

	n = g_socket_receive_from(s, &from, buf, sizeof(buf) - 1, NULL, NULL);
	assert_true(n > 0);
	buf[n] = '\0';
	on_request(buf, false, from);
	g_object_unref(from);
	return G_SOURCE_CONTINUE;
}

static gboolean on_conn(GSocket *s, GIOCondition c, gpointer d)
{
	char buf[4096], err[SIPMSG_ERR_MAX];
	size_t skip, len;
	gssize n;

	n = g_socket_receive(s, buf, sizeof(buf), NULL, NULL);
	if (n <= 0) {
		F->conn_src = NULL;
		return G_SOURCE_REMOVE;
	}
	g_byte_array_append(F->rx, (guint8 *)buf, (guint)n);
	while (sipmsg_frame(F->rx->data, F->rx->len, &skip, &len, err, sizeof(err)) == 1) {
		char *m = g_strndup((char *)F->rx->data + skip, len);

		g_byte_array_remove_range(F->rx, 0, (guint)(skip + len));
		on_request(m, true, NULL);
		g_free(m);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_accept(GSocket *s, GIOCondition c, gpointer d)
{
	GSocket *conn = g_socket_accept(s, NULL, NULL);

	assert_non_null(conn);
	/* One connection at a time, as the UE keeps one. */
	if (F->conn_src) {
		g_source_destroy(F->conn_src);
		g_source_unref(F->conn_src);
	}
	g_clear_object(&F->conn);
	F->conn = conn;
	F->conn_src = g_socket_create_source(conn, G_IO_IN | G_IO_HUP, NULL);
	g_source_set_callback(F->conn_src, G_SOURCE_FUNC(on_conn), NULL, NULL);
	g_source_attach(F->conn_src, NULL);
	g_string_append(F->trace, "  (tcp connection)\n");
	return G_SOURCE_CONTINUE;
}

/*
 * One port number for UDP and TCP (RFC 3261 18: a SIP server listens on both):
 * the kernel picks a free UDP port, and the TCP bind to the same number can
 * fail when anything else on the machine's loopback holds it (another test
 * run, an outgoing connection's port), so try again with another.
 */
static void fake_bind(GInetAddress *lo)
{
	GSocketAddress *sa, *bound;
	int tries;

	for (tries = 0; tries < 50; tries++) {
		sa = g_inet_socket_address_new(lo, 0);
		F->udp = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
				      G_SOCKET_PROTOCOL_UDP, NULL);
		assert_true(g_socket_bind(F->udp, sa, FALSE, NULL));
		g_object_unref(sa);
		bound = g_socket_get_local_address(F->udp, NULL);
		F->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
		g_object_unref(bound);
		sa = g_inet_socket_address_new(lo, (guint16)F->port);
		F->listen = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
					 G_SOCKET_PROTOCOL_TCP, NULL);
		if (g_socket_bind(F->listen, sa, TRUE, NULL)) {
			g_object_unref(sa);
			return;
		}
		g_object_unref(sa);
		g_clear_object(&F->listen);
		g_clear_object(&F->udp);
	}
	fail_msg("no port free for both UDP and TCP on the loopback");
}

static void fake_start(void)
{
	GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);

	fake_bind(lo);
	assert_true(g_socket_listen(F->listen, NULL));
	g_object_unref(lo);
	F->udp_src = g_socket_create_source(F->udp, G_IO_IN, NULL);
	g_source_set_callback(F->udp_src, G_SOURCE_FUNC(on_udp), NULL, NULL);
	g_source_attach(F->udp_src, NULL);
	F->listen_src = g_socket_create_source(F->listen, G_IO_IN, NULL);
	g_source_set_callback(F->listen_src, G_SOURCE_FUNC(on_accept), NULL, NULL);
	g_source_attach(F->listen_src, NULL);
	F->rx = g_byte_array_new();
}

static void drop_source(GSource **s)
{
	if (*s) {
		g_source_destroy(*s);
		g_source_unref(*s);
		*s = NULL;
	}
}

static void fake_stop(void)
{
	drop_source(&F->udp_src);
	drop_source(&F->listen_src);
	drop_source(&F->conn_src);
	g_clear_object(&F->udp);
	g_clear_object(&F->listen);
	g_clear_object(&F->conn);
	g_byte_array_unref(F->rx);
}

/* ---- sipreg's events, one line each ---- */

static void ev_line(const char *line)
{
	g_string_append_printf(F->events, "%s\n", line);
}

static const char *const request_names[] = {
	[SIPREG_REQ_REGISTER] = "register",
	[SIPREG_REQ_REGISTER_AUTH] = "register-auth",
	[SIPREG_REQ_REFRESH] = "refresh",
	[SIPREG_REQ_DEREGISTER] = "deregister",
};

static void on_request_sent(enum sipreg_request kind, bool retransmission, void *user_data)
{
	g_string_append_printf(F->events, "sent %s%s\n", request_names[kind],
			       retransmission ? " (again)" : "");
}

static void on_response(unsigned int status, const char *phrase, void *user_data)
{
	g_string_append_printf(F->events, "response %u %s\n", status, phrase);
}

static void on_subscription(unsigned int status, const char *reason, void *user_data)
{
	g_string_append_printf(F->events, "subscription %u %s\n", status, reason);
}

static void on_auth_done(int err, const char *outcome, const struct card_times *t, void *user_data)
{
	g_string_append_printf(F->events, "auth-done %d %s%s\n", err, outcome,
			       !err && (!t->start_us || t->end_us < t->start_us) ? " BAD TIMES" :
										   "");
}

/* The owner goes away while the card works; the card's late answer must be harmless. */
static gboolean free_during_card(gpointer data)
{
	sipreg_free(F->reg);
	F->reg = NULL;
	g_string_append(F->trace, "  sipreg freed\n");
	F->done = true;
	g_main_loop_quit(F->loop);
	return G_SOURCE_REMOVE;
}

/* ---- the card: card.c over the fake ISIM reader, answering from the script ---- */

/* sipreg says it was challenged and asks the card: this is the answer the card will give. */
static void on_challenged(void *user_data)
{
	if (F->card_next >= F->sc->n_cards)
		fail_msg("unexpected AUTHENTICATE %zu", F->card_next);
	F->card_now = F->sc->cards[F->card_next++];
	g_string_append_printf(F->trace, "  card %s\n",
			       F->card_now.err				    ? "error" :
			       F->card_now.status == UICC_AUTH_OK	    ? "ok" :
			       F->card_now.status == UICC_AUTH_SYNC_FAILURE ? "sync-failure" :
									      "mac-failure");
	ev_line("challenged");
	if (F->sc->free_in_card)
		g_idle_add(free_during_card, NULL);
}

/* The card worker's AUTHENTICATE (not the test's thread: no cmocka asserts here). */
static int card_auth(const uint8_t *rand, const uint8_t *autn, uint8_t *rapdu, size_t *rlen)
{
	const struct card_answer *a = &F->card_now;
	uint8_t er[16], ea[16];
	char hex[160];
	size_t n;

	/* The card gets exactly RAND and AUTN of the nonce. */
	if (digest_nonce_decode(A_NONCE, er, ea) < 0 || memcmp(rand, er, 16) ||
	    memcmp(autn, ea, 16))
		g_atomic_int_set(&F->card_bad_input, 1);
	if (a->err)
		return a->err;
	switch (a->status) {
	case UICC_AUTH_OK:
		n = strlen(a->res ? a->res : A_RES) / 2;
		/* TS 31.103 7.1.2.1: DB L RES 10 CK 10 IK */
		g_snprintf(hex, sizeof(hex), "db%02zx%s10" A_CK "10" A_IK "9000", n,
			   a->res ? a->res : A_RES);
		break;
	case UICC_AUTH_SYNC_FAILURE:
		g_snprintf(hex, sizeof(hex), "dc0e" A_AUTS "9000");
		break;
	case UICC_AUTH_MAC_FAILURE:
		g_snprintf(hex, sizeof(hex), "9862");
		break;
	}
	if (util_hex_decode_var(hex, rapdu, *rlen, rlen) < 0)
		g_atomic_int_set(&F->card_bad_input, 1);
	return 0;
}

/* ---- driver ---- */

static void on_result(enum sipreg_result r, const char *reason, const struct sipreg_info *info,
		      void *user_data)
{
	g_string_append_printf(F->trace, "result %s%s%s\n", sipreg_result_str(r),
			       reason ? ": " : "", reason ? reason : "");
	if (info)
		g_string_append_printf(F->trace, "  expires=%u route=%s uris=%s\n", info->expires,
				       info->service_route, info->associated_uris);
	if (r == SIPREG_REGISTERED && F->sc->stay_for_refresh)
		return;
	if (r == SIPREG_REFRESHED && F->refreshes++ < F->sc->refreshes_before_stop)
		return;
	if (r == SIPREG_REGISTERED || r == SIPREG_REFRESHED) {
		assert_int_equal(sipreg_stop(F->reg), 0);
		assert_int_equal(sipreg_stop(F->reg), -EALREADY);
		return;
	}
	F->done = true;
	g_main_loop_quit(F->loop);
}

/* The full text of the first REGISTER, with the UE's port and our version normalised. */
static void check_first_request(const char *golden)
{
	char contact[256], *port;
	GString *got = g_string_new(NULL);
	char **lines;
	size_t i;

	assert_true(header(F->first_request, "Contact", contact, sizeof(contact)));
	/* ":<port>" only: the digits alone may also occur inside the hex Call-ID. */
	port = strrchr(contact, ':');
	port[strcspn(port, ">;")] = '\0';
	lines = g_strsplit(F->first_request, "\r\n", -1);
	for (i = 0; lines[i]; i++) {
		char **parts;
		gchar *line;

		/* The version is the build's (git describe, or "0" outside a checkout). */
		if (g_str_has_prefix(lines[i], "User-Agent: mcmig/")) {
			g_free(lines[i]);
			lines[i] = g_strdup("User-Agent: mcmig/VERSION");
		}
		parts = g_strsplit(lines[i], port, -1);
		line = g_strjoinv(":PORT", parts);
		g_string_append_printf(got, "%s%s", line, lines[i + 1] ? "\n" : "");
		g_free(line);
		g_strfreev(parts);
	}
	g_strfreev(lines);
	if (strcmp(got->str, golden) != 0)
		fail_msg("first REGISTER differs.\n--- got:\n%s--- expected:\n%s", got->str,
			 golden);
	g_string_free(got, TRUE);
}

static gboolean on_guard(gpointer data)
{
	fail_msg("scenario did not finish; trace so far:\n%s", F->trace->str);
	return G_SOURCE_REMOVE;
}

static void run(const struct scenario *sc)
{
	struct fake fake = { .sc = sc };
	struct sipreg_config cfg = {
		.pcscf_host = "127.0.0.1",
		.transport = sc->transport,
		.local_addr = "127.0.0.1",
		.impi = IMPI,
		.impu = sc->impu ? sc->impu : IMPU,
		.domain = DOMAIN,
		.expires = 600,
		.max_auth_failures = sc->max_auth_failures,
		.t1_ms = 5,
		.random_bytes = fake_random,
		.reg_event_expires = sc->reg_event_expires,
	};
	struct sipreg_events ev = {
		.result = on_result,
		.request_sent = on_request_sent,
		.response = on_response,
		.challenged = on_challenged,
		.auth_done = on_auth_done,
		.subscription = on_subscription,
	};
	const struct uicc_config ucfg = { .timeout_ms = 5000 };
	guint guard;
	int i;

	F = &fake;
	fake.trace = g_string_new(NULL);
	fake.events = g_string_new(NULL);
	fake_isim_reset();
	fake_isim.auth = card_auth;
	/* Freed while the card works: the card takes its time. */
	fake_isim.delay_us = sc->free_in_card ? 50000 : 0;
	assert_int_equal(card_new(&fake.card, &fake_isim_ops, &ucfg), 0);
	fake.loop = g_main_loop_new(NULL, FALSE);
	fake_start();
	cfg.pcscf_port = fake.port;
	if (sc->closed_port) {
		GSocket *tmp = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
					    G_SOCKET_PROTOCOL_UDP, NULL);
		GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
		GSocketAddress *sa = g_inet_socket_address_new(lo, 0), *bound;

		assert_true(g_socket_bind(tmp, sa, FALSE, NULL));
		bound = g_socket_get_local_address(tmp, NULL);
		cfg.pcscf_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
		g_object_unref(bound);
		g_object_unref(sa);
		g_object_unref(lo);
		g_object_unref(tmp); /* closed: the port now answers ICMP port unreachable */
	}
	assert_int_equal(sipreg_new(&fake.reg, &cfg, fake.card, &ev), 0);
	assert_int_equal(sipreg_start(fake.reg), 0);
	assert_int_equal(sipreg_start(fake.reg), -EALREADY);
	if (sc->stop_at_start) {
		assert_int_equal(sipreg_stop(fake.reg), 0);
		assert_int_equal(sipreg_stop(fake.reg), -EALREADY);
	}
	guard = g_timeout_add_seconds(10, on_guard, NULL);
	g_main_loop_run(fake.loop);
	g_source_remove(guard);
	sipreg_free(fake.reg);
	/*
	 * Nothing may fire after sipreg_free (no callback, no traffic), nor
	 * when the card answers. The card's worker still runs the fake's
	 * AUTHENTICATE, which reads this test's fixture: wait until it has
	 * answered (bounded), not a fixed time, or on a busy machine it ran
	 * into the next test (F gone: a crash there, 4 runs in 25).
	 */
	if (sc->free_in_card) {
		for (i = 0;
		     i < 1000 && (g_atomic_int_get(&fake_isim.auths) < (gint)fake.card_next ||
				  g_atomic_int_get(&fake_isim.busy));
		     i++)
			g_usleep(10000);
		assert_int_equal(g_atomic_int_get(&fake_isim.busy), 0);
	}
	while (g_main_context_iteration(NULL, FALSE))
		;
	card_free(fake.card);
	assert_int_equal(g_atomic_int_get(&fake.card_bad_input), 0);
	assert_int_equal(fake.card_next, sc->n_cards);
	if (sc->events && strcmp(fake.events->str, sc->events) != 0)
		fail_msg("events differ.\n--- got:\n%s--- expected:\n%s", fake.events->str,
			 sc->events);
	assert_true(fake.done);
	assert_true(fake.copies >= sc->min_copies);
	/* TCP is reliable: no retransmissions there (RFC 3261 17.1.2.2). */
	if (sc->transport == SIPREG_TRANSPORT_TCP)
		assert_int_equal(fake.copies, 1);
	if (sc->first_request)
		check_first_request(sc->first_request);
	if (strcmp(fake.trace->str, sc->golden) != 0)
		fail_msg("trace differs from golden.\n--- got:\n%s--- expected:\n%s",
			 fake.trace->str, sc->golden);
	assert_int_equal(fake.next_sub, sc->n_sub_answers);
	assert_int_equal(fake.next_notify, sc->n_notifies);
	g_clear_object(&fake.ue_addr);
	fake_stop();
	g_main_loop_unref(fake.loop);
	g_string_free(fake.trace, TRUE);
	g_string_free(fake.events, TRUE);
	F = NULL;
}

#define OK_200                                                \
	"Service-Route: <sip:orig@scscf.example:5060;lr>\r\n" \
	"P-Associated-URI: <" IMPU ">, <tel:+15550100>\r\n"   \
	"Contact: <sip:127.0.0.1:9;transport=udp>;expires=99\r\n"

#define ANSWER(s, h)                          \
	{                                     \
		.status = (s), .headers = (h) \
	}
#define ANSWER_EXP(s, h, e)                                           \
	{                                                             \
		.status = (s), .headers = (h), .contact_expires = (e) \
	}
#define SILENT                 \
	{                      \
		.status = NULL \
	}
#define CARD(st)               \
	{                      \
		.status = (st) \
	}
#define CARD_RES(hex)                                \
	{                                            \
		.status = UICC_AUTH_OK, .res = (hex) \
	}

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define SCENARIO(name, ...)                                 \
	static void name(void **state)                      \
	{                                                   \
		const struct scenario sc = { __VA_ARGS__ }; \
		run(&sc);                                   \
	}

#define ANSWERS(...)                                       \
	.answers = (const struct answer[]){ __VA_ARGS__ }, \
	.n_answers = N(((const struct answer[]){ __VA_ARGS__ }))
#define CARDS(...)                                            \
	.cards = (const struct card_answer[]){ __VA_ARGS__ }, \
	.n_cards = N(((const struct card_answer[]){ __VA_ARGS__ }))

#define REGISTERED_LINES                                        \
	"result registered\n"                                   \
	"  expires=600 route=<sip:orig@scscf.example:5060;lr> " \
	"uris=<sip:user1@ims.example.org>, <tel:+15550100>\n"

SCENARIO(test_akav1_udp,
	 .first_request =
		 "REGISTER sip:ims.example.org SIP/2.0\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bK83a8cdf2173c6186abd0f51a;rport\n"
		 "Max-Forwards: 70\n"
		 "From: <sip:user1@ims.example.org>;tag=5b80a5caef14395e\n"
		 "To: <sip:user1@ims.example.org>\n"
		 "Call-ID: 0b30557a9fc4e90e33587da2c7ec1136\n"
		 "CSeq: 1 REGISTER\n"
		 "Contact: <sip:127.0.0.1:PORT>\n"
		 "Expires: 600\n"
		 "Supported: path\n"
		 "Authorization: Digest username=\"user1@ims.example.org\", "
		 "realm=\"ims.example.org\", uri=\"sip:ims.example.org\", nonce=\"\", "
		 "response=\"\", algorithm=AKAv1-MD5\n"
		 "User-Agent: mcmig/VERSION\n"
		 "Content-Length: 0\n"
		 "\n",
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1),
		 ANSWER_EXP("200 OK", OK_200 "Expires: 3600\r\n", 600), ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "3 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

SCENARIO(test_akav1_tcp, .transport = SIPREG_TRANSPORT_TCP,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", OK_200, 600),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "  (tcp connection)\n"
		   "1 REGISTER tcp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER tcp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "3 REGISTER tcp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

SCENARIO(test_akav2,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V2), ANSWER_EXP("200 OK", OK_200, 600),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv2-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "3 REGISTER udp exp=0 AKAv2-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

/* RFC 3310 3.4: auts with the empty password; the network challenges again. */
SCENARIO(test_sync_failure,
	 .events = "sent register\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 sync-failure\n"
		   "sent register-auth\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 ok\n"
		   "sent register-auth\n"
		   "response 200 OK\n"
		   "sent deregister\n"
		   "response 200 OK\n",
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER("401 Unauthorized", CHAL_V1),
		 ANSWER_EXP("200 OK", OK_200, 600), ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_SYNC_FAILURE), CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card sync-failure\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 auts=RR6L7KQb+O5YnUbYNck=\n"
		   "  card ok\n"
		   "3 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "4 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

/*
 * A SIP DB that never resynchronises: two sync failures in a row are answered
 * (RFC 3310 3.4), the third ends the registration (sipreg.c MAX_SYNC). One
 * more or one fewer would change the number of REGISTERs below.
 */
SCENARIO(test_sync_failure_cap,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER("401 Unauthorized", CHAL_V1),
		 ANSWER("401 Unauthorized", CHAL_V1)),
	 CARDS(CARD(UICC_AUTH_SYNC_FAILURE), CARD(UICC_AUTH_SYNC_FAILURE),
	       CARD(UICC_AUTH_SYNC_FAILURE)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card sync-failure\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 auts=RR6L7KQb+O5YnUbYNck=\n"
		   "  card sync-failure\n"
		   "3 REGISTER udp exp=600 AKAv1-MD5 auts=RR6L7KQb+O5YnUbYNck=\n"
		   "  card sync-failure\n"
		   "result auth-failed: synchronisation failure 3 times: the network does not "
		   "resynchronise\n")

/* Kamailio re-challenges a response="" forever: the cap ends it. */
SCENARIO(test_mac_failure_cap, .max_auth_failures = 3,
	 .events = "sent register\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 mac-failure\n"
		   "sent register\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 mac-failure\n"
		   "sent register\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 mac-failure\n",
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER("401 Unauthorized", CHAL_V1),
		 ANSWER("401 Unauthorized", CHAL_V1)),
	 CARDS(CARD(UICC_AUTH_MAC_FAILURE), CARD(UICC_AUTH_MAC_FAILURE),
	       CARD(UICC_AUTH_MAC_FAILURE)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card mac-failure\n"
		   "2 REGISTER udp exp=600 mac-failure\n"
		   "  card mac-failure\n"
		   "3 REGISTER udp exp=600 mac-failure\n"
		   "  card mac-failure\n"
		   "result auth-failed: network authentication failed: MAC invalid (3 challenges)\n")

/* The network keeps rejecting a correct-looking response (e.g. a wrong key at the SIP DB). */
SCENARIO(test_response_rejected_cap, .max_auth_failures = 2,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER("401 Unauthorized", CHAL_V1),
		 ANSWER("401 Unauthorized", CHAL_V1)),
	 CARDS(CARD(UICC_AUTH_OK), CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n"
		   "  card ok\n"
		   "3 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n"
		   "result auth-failed: the network rejected our authentication response 2 times\n")

SCENARIO(test_forbidden, ANSWERS(ANSWER("403 Forbidden - migration revoked", NULL)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result refused: 403 Forbidden - migration revoked\n")

/* RFC 3261 10.2.8 */
SCENARIO(test_interval_too_brief,
	 ANSWERS(ANSWER("423 Interval Too Brief", "Min-Expires: 1800\r\n"),
		 ANSWER("401 Unauthorized", CHAL_V1), ANSWER("200 OK", OK_200 "Expires: 1800\r\n"),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "2 REGISTER udp exp=1800 initial\n"
		   "  card ok\n"
		   "3 REGISTER udp exp=1800 AKAv1-MD5 nc=00000001 ok\n"
		   "result registered\n"
		   "  expires=1800 route=<sip:orig@scscf.example:5060;lr> "
		   "uris=<sip:user1@ims.example.org>, <tel:+15550100>\n"
		   "4 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

SCENARIO(test_423_without_min_expires, ANSWERS(ANSWER("423 Interval Too Brief", NULL)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 423 Interval Too Brief without Min-Expires\n")

SCENARIO(test_423_min_expires_not_above,
	 ANSWERS(ANSWER("423 Interval Too Brief", "Min-Expires: 600\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 423 Interval Too Brief with Min-Expires 600, not above the 600 s "
		   "asked\n")

/* MAX_423 retries, then the next 423 ends it. */
SCENARIO(test_423_again,
	 ANSWERS(ANSWER("423 Interval Too Brief", "Min-Expires: 1800\r\n"),
		 ANSWER("423 Interval Too Brief", "Min-Expires: 3600\r\n"),
		 ANSWER("423 Interval Too Brief", "Min-Expires: 7200\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "2 REGISTER udp exp=1800 initial\n"
		   "3 REGISTER udp exp=3600 initial\n"
		   "result failed: 423 Interval Too Brief again after 2 retries with Min-Expires\n")

/* Expires: 0 cannot be too brief; the binding is left to expire. */
SCENARIO(test_423_to_deregistration,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", OK_200, 600),
		 ANSWER("423 Interval Too Brief", "Min-Expires: 1800\r\n")),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "3 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered: 423 Interval Too Brief to a de-registration (Expires: 0)\n")

/* RFC 3261 21.5.4: Retry-After, then the same Call-ID goes on with CSeq + 1. */
SCENARIO(test_503_retry_after,
	 ANSWERS(ANSWER("503 Service Unavailable", "Retry-After: 1\r\n"),
		 ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", OK_200, 600),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "2 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "3 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "4 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

SCENARIO(test_503_without_retry_after, ANSWERS(ANSWER("503 Service Unavailable", NULL)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 503 Service Unavailable\n")

/* T1 = 5 ms: E at 5, 15, 35, 75, 115, ... (doubling to T2 = 40 ms) until F = 320 ms. */
SCENARIO(test_timeout, ANSWERS(SILENT), .min_copies = 6,
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result timeout: no answer from the P-CSCF (RFC 3261 Timer F, 320 ms)\n")

SCENARIO(test_timeout_tcp, .transport = SIPREG_TRANSPORT_TCP, ANSWERS(SILENT),
	 .golden = "  (tcp connection)\n"
		   "1 REGISTER tcp exp=600 initial\n"
		   "result timeout: no answer from the P-CSCF (RFC 3261 Timer F, 320 ms)\n")

/* RFC 3261 18.4: an ICMP error is a transport error; no waiting for Timer F. */
SCENARIO(test_port_unreachable, .closed_port = true,
	 .golden = "result failed: P-CSCF unreachable over UDP: Error receiving data: "
		   "Connection refused\n")

/* The first copy is lost: Timer E retransmits the same request. */
SCENARIO(test_retransmission,
	 .events = "sent register\n"
		   "sent register (again)\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 ok\n"
		   "sent register-auth\n"
		   "response 200 OK\n"
		   "sent deregister\n"
		   "response 200 OK\n",
	 ANSWERS({ .status = "401 Unauthorized", .headers = CHAL_V1, .drop_first = true },
		 ANSWER_EXP("200 OK", OK_200, 600), ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  (answered copy 2)\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "3 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

/*
 * Refresh (TS 24.229 5.1.1.4.1): 2 s granted, refreshed at half, first with the
 * last nonce (nc=2); the network challenges again; a fresh AKA run answers it.
 */
SCENARIO(test_refresh, .stay_for_refresh = true,
	 .events = "sent register\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 ok\n"
		   "sent register-auth\n"
		   "response 200 OK\n"
		   "sent refresh\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 ok\n"
		   "sent refresh\n"
		   "response 200 OK\n"
		   "sent deregister\n"
		   "response 200 OK\n",
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", NULL, 2),
		 ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", NULL, 2),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK), CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n"
		   "result registered\n"
		   "  expires=2 route= uris=\n"
		   "3 REGISTER udp exp=600 AKAv1-MD5 nc=00000002 ok\n"
		   "  card ok\n"
		   "4 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n"
		   "result refreshed\n"
		   "  expires=2 route= uris=\n"
		   "5 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

/* Binary-safe RES of the shortest and longest lengths, with 00 bytes. */
SCENARIO(test_res_4_bytes_with_zero,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", OK_200, 600),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD_RES("a500c300")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "3 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

SCENARIO(test_res_16_bytes_akav2,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V2), ANSWER_EXP("200 OK", OK_200, 600),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD_RES("00112233445566778899aabbccddee00")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv2-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "3 REGISTER udp exp=0 AKAv2-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

SCENARIO(test_card_error, ANSWERS(ANSWER("401 Unauthorized", CHAL_V1)),
	 CARDS({ .err = -ENOMEDIUM }),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card error\n"
		   "result failed: card AUTHENTICATE failed: no card in the reader (SW 0000)\n")

SCENARIO(test_bad_nonce,
	 ANSWERS(ANSWER("401 Unauthorized", "WWW-Authenticate: Digest realm=\"r\", "
					    "nonce=\"bm9uY2U=\", algorithm=AKAv1-MD5\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 401 nonce decodes to 5 bytes, RAND || AUTN needs 32 (RFC 3310 "
		   "3.2)\n")

SCENARIO(test_non_aka_challenge,
	 ANSWERS(ANSWER("401 Unauthorized", "WWW-Authenticate: Digest realm=\"r\", "
					    "nonce=\"abc\", algorithm=MD5\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 401 offers no Digest AKAv1-MD5/AKAv2-MD5 challenge (first: "
		   "Digest algorithm=MD5)\n")

SCENARIO(test_nonce_not_base64,
	 ANSWERS(ANSWER("401 Unauthorized", "WWW-Authenticate: Digest realm=\"r\", "
					    "nonce=\"bm9u!2U=\", algorithm=AKAv1-MD5\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 401 nonce of 8 characters is not base64 (RFC 3310 3.2: "
		   "base64(RAND || AUTN || server data))\n")

/*
 * A hostile P-CSCF. Answers that cannot be ours are dropped (RFC 3261 18.1.2,
 * 17.1.3) and the request times out; the reason counts them and says why the
 * last was refused. One that we can tell answers our request ends it at once.
 */
#define TIMER_F_DROPPED \
	"result timeout: no acceptable answer from the P-CSCF (RFC 3261 Timer F, 320 ms): "

SCENARIO(test_hostile_garbage, ANSWERS({ .raw = "HTTP/1.1 400 Bad Request\r\n\r\n", .copies = 3 }),
	 .golden = "1 REGISTER udp exp=600 initial\n" TIMER_F_DROPPED
		   "3 answers dropped, the last: not a SIP/2.0 response: "
		   "\"HTTP/1.1 400 Bad Request\"\n")

/* The NUL comes before the branch: nothing tells the answer is ours. */
SCENARIO(test_hostile_nul,
	 ANSWERS({ .status = "401 Unauthorized", .headers = CHAL_V1, .nul_at = 20, .copies = 2 }),
	 .golden = "1 REGISTER udp exp=600 initial\n" TIMER_F_DROPPED
		   "2 answers dropped, the last: 401 refused: NUL byte at offset 20\n")

/* A 62 KB 401: its nonce (62000 characters) could not go back in our Authorization. */
static void test_hostile_62k_challenge(void **state)
{
	char *chal = g_strdup_printf("WWW-Authenticate: Digest realm=\"r\", nonce=\"%062000d\", "
				     "algorithm=AKAv1-MD5\r\n",
				     0);
	const struct answer answers[] = { ANSWER("401 Unauthorized", chal) };
	const struct scenario sc = {
		.answers = answers,
		.n_answers = 1,
		.golden = "1 REGISTER udp exp=600 initial\n"
			  "result failed: 401 from the P-CSCF refused: WWW-Authenticate: nonce of "
			  "62000 characters, over 255\n",
	};

	run(&sc);
	g_free(chal);
}

SCENARIO(test_hostile_wrong_branch,
	 ANSWERS({ .status = "401 Unauthorized", .headers = CHAL_V1, .branch = "z9hG4bKother" }),
	 .golden = "1 REGISTER udp exp=600 initial\n" TIMER_F_DROPPED
		   "1 answer dropped, the last: 401 for another transaction (branch z9hG4bKother)\n")

SCENARIO(test_hostile_wrong_cseq,
	 ANSWERS({ .status = "401 Unauthorized", .headers = CHAL_V1, .cseq = "7 REGISTER" }),
	 .golden = "1 REGISTER udp exp=600 initial\n" TIMER_F_DROPPED
		   "1 answer dropped, the last: 401 with CSeq 7 REGISTER, ours is 1 REGISTER\n")

SCENARIO(test_hostile_wrong_call_id,
	 ANSWERS({ .status = "401 Unauthorized", .headers = CHAL_V1, .call_id = "other@x" }),
	 .golden = "1 REGISTER udp exp=600 initial\n" TIMER_F_DROPPED
		   "1 answer dropped, the last: 401 with Call-ID other@x, not ours\n")

SCENARIO(test_hostile_malformed_challenge,
	 ANSWERS(ANSWER("401 Unauthorized", "WWW-Authenticate: Digest realm=\"r, nonce=\"" A_NONCE
					    "\", algorithm=AKAv1-MD5\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 401 from the P-CSCF refused: WWW-Authenticate malformed: "
		   "realm: \"I1U8vpY3qJ0hiuZNrke/NVXz...\" after the value\n")

SCENARIO(test_hostile_status_701, ANSWERS(ANSWER("701 Odd", NULL)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: answer from the P-CSCF refused: status 701 not in 100..699 "
		   "(RFC 3261 21)\n")

/* RFC 3261 18.3: over UDP, a body shorter than Content-Length: the response is discarded. */
SCENARIO(test_hostile_short_body,
	 ANSWERS({ .status = "200 OK", .tail = "Content-Length: 100\r\n\r\nabc" }),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 200 from the P-CSCF refused: Content-Length 100 but 3 bytes of "
		   "body (RFC 3261 18.3)\n")

/* RFC 3261 18.3: Content-Length is mandatory over TCP. */
SCENARIO(test_hostile_tcp_framing, .transport = SIPREG_TRANSPORT_TCP,
	 ANSWERS({ .raw = "SIP/2.0 200 OK\r\n\r\n" }),
	 .golden = "  (tcp connection)\n"
		   "1 REGISTER tcp exp=600 initial\n"
		   "result failed: TCP stream from the P-CSCF unusable: Content-Length missing "
		   "(RFC 3261 18.3)\n")

/* RFC 3261 20.33 sets no bound on delta-seconds; ours is INT_MAX (timers, 32-bit long). */
SCENARIO(test_retry_after_out_of_range,
	 ANSWERS(ANSWER("503 Service Unavailable", "Retry-After: 4294967295\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 503 from the P-CSCF refused: Retry-After 4294967295 out of "
		   "range (over 2147483647)\n")

/* Within range but longer than sipreg waits (MAX_RETRY_AFTER): not retried, and said so. */
SCENARIO(test_retry_after_too_long,
	 ANSWERS(ANSWER("503 Service Unavailable", "Retry-After: 7200\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 503 Service Unavailable (Retry-After 7200 s: over the 3600 s "
		   "we wait)\n")

/* Retried MAX_RETRIES times; the fourth Retry-After ends it, and the reason says so. */
SCENARIO(test_retry_after_exhausted,
	 ANSWERS(ANSWER("503 Service Unavailable", "Retry-After: 0\r\n"),
		 ANSWER("503 Service Unavailable", "Retry-After: 0\r\n"),
		 ANSWER("503 Service Unavailable", "Retry-After: 0\r\n"),
		 ANSWER("503 Service Unavailable", "Retry-After: 0\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "2 REGISTER udp exp=600 initial\n"
		   "3 REGISTER udp exp=600 initial\n"
		   "4 REGISTER udp exp=600 initial\n"
		   "result failed: 503 Service Unavailable (Retry-After again after 3 retries)\n")

SCENARIO(test_redirect, ANSWERS(ANSWER("302 Moved Temporarily", "Contact: <sip:p2.example>\r\n")),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "result failed: 302 Moved Temporarily (redirects are not followed)\n")

/* RFC 3261 18.1.1: over 1300 bytes, a UDP-configured UE sends over TCP. */
#define LONG_USER                                                                          \
	"a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789" \
	"i123456789j123456789k123456789l123456789m123456789n123456789o123456789p123456789"
#define LONG_IMPU "sip:" LONG_USER LONG_USER LONG_USER LONG_USER "@ims.example.org"

SCENARIO(test_large_message_tcp, .impu = LONG_IMPU,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", NULL, 600),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "  (tcp connection)\n"
		   "1 REGISTER tcp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER tcp exp=600 AKAv1-MD5 nc=00000001 ok\n"
		   "result registered\n"
		   "  expires=600 route= uris=\n"
		   "3 REGISTER tcp exp=0 AKAv1-MD5 nc=00000002 ok\n"
		   "result deregistered\n")

/* A refresh refused: the registration is lost (TS 24.229 5.1.1.4.1). */
SCENARIO(test_refresh_refused, .stay_for_refresh = true,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", NULL, 2),
		 ANSWER("403 Forbidden - migration revoked", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n"
		   "result registered\n"
		   "  expires=2 route= uris=\n"
		   "3 REGISTER udp exp=600 AKAv1-MD5 nc=00000002 ok\n"
		   "result lost: 403 Forbidden - migration revoked\n")

/* Stopped before anything went out: nothing is sent, the result still comes (async). */
SCENARIO(test_stop_before_registered, .stop_at_start = true,
	 .golden = "result deregistered: was not registered\n")

/* Freed while the card works: no callback, no traffic, the late card answer is dropped. */
SCENARIO(test_free_during_card, .free_in_card = true, ANSWERS(ANSWER("401 Unauthorized", CHAL_V1)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "  sipreg freed\n")

/* ---- the reg event (TS 24.229 5.1.1.3, 5.1.1.7) ---- */

#define SUB_ANSWERS(...)                                           \
	.sub_answers = (const struct sub_answer[]){ __VA_ARGS__ }, \
	.n_sub_answers = N(((const struct sub_answer[]){ __VA_ARGS__ }))
#define NOTIFIES(...)                                       \
	.notifies = (const struct notify[]){ __VA_ARGS__ }, \
	.n_notifies = N(((const struct notify[]){ __VA_ARGS__ }))

#define REG_OK ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", OK_200, 600)
#define REG_OK_LINES                       \
	"1 REGISTER udp exp=600 initial\n" \
	"  card ok\n"                      \
	"2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES

/*
 * Registered, subscribed (Route from the Service-Route), the first NOTIFY
 * shows us active; then the S-CSCF's partial reginfo after a Cx RTR marks our
 * contact terminated/unregistered: the registration ended, nothing is sent.
 */
SCENARIO(test_reg_event_deregistered_by_network, .stay_for_refresh = true,
	 .reg_event_expires = 600000, ANSWERS(REG_OK), CARDS(CARD(UICC_AUTH_OK)),
	 SUB_ANSWERS({ "200 OK", 600000 }),
	 NOTIFIES({ .state = "active", .event = "registered", .version = 0, .expires = 600 },
		  { .state = "terminated", .event = "unregistered", .version = 1 }),
	 .events = "sent register\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 ok\n"
		   "sent register-auth\n"
		   "response 200 OK\n"
		   "subscription 200 OK\n",
	 .golden = REG_OK_LINES "1 SUBSCRIBE udp exp=600000 route\n"
				"  NOTIFY v0 active/registered\n"
				"  answered 200 OK\n"
				"  NOTIFY v1 terminated/unregistered\n"
				/* answered before the result, read by the fake after it */
				"result deregistered-by-network: unregistered\n"
				"  answered 200 OK\n")

SCENARIO(test_reg_event_deregistered_by_network_tcp, .stay_for_refresh = true,
	 .transport = SIPREG_TRANSPORT_TCP, .reg_event_expires = 600000, ANSWERS(REG_OK),
	 CARDS(CARD(UICC_AUTH_OK)), SUB_ANSWERS({ "200 OK", 600000 }),
	 NOTIFIES({ .state = "terminated", .event = "rejected", .version = 0 }),
	 .golden = "  (tcp connection)\n"
		   "1 REGISTER tcp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER tcp exp=600 AKAv1-MD5 nc=00000001 ok\n" REGISTERED_LINES
		   "1 SUBSCRIBE tcp exp=600000 route\n"
		   "  NOTIFY v0 terminated/rejected\n"
		   "result deregistered-by-network: rejected\n"
		   "  answered 200 OK\n")

/*
 * Nothing changes for another user's registration, another contact of ours,
 * an old version (RFC 3680 4.1), or a NOTIFY outside the dialog (481). At the
 * stop the subscription is terminated (Expires: 0) before the de-registration.
 */
SCENARIO(test_reg_event_not_ours, .stay_for_refresh = true, .reg_event_expires = 600000,
	 ANSWERS(REG_OK, ANSWER("200 OK", NULL)), CARDS(CARD(UICC_AUTH_OK)),
	 SUB_ANSWERS({ "200 OK", 600000 }, { "200 OK", 0 }),
	 NOTIFIES({ .state = "active", .event = "registered", .version = 3, .expires = 600 },
		  { .state = "terminated",
		    .event = "rejected",
		    .version = 4,
		    .aor = "sip:user2@ims.example.org" },
		  { .state = "terminated",
		    .event = "unregistered",
		    .version = 5,
		    .other_contact = true },
		  { .state = "terminated", .event = "unregistered", .version = 5 },
		  { .state = "terminated", .event = "expired", .version = 2 },
		  { .state = "terminated",
		    .event = "unregistered",
		    .version = 6,
		    .other_call = true }),
	 .stop_after_notifies = true,
	 .golden = REG_OK_LINES "1 SUBSCRIBE udp exp=600000 route\n"
				"  NOTIFY v3 active/registered\n"
				"  answered 200 OK\n"
				"  NOTIFY v4 terminated/rejected (other user)\n"
				"  answered 200 OK\n"
				"  NOTIFY v5 terminated/unregistered (other contact)\n"
				"  answered 200 OK\n"
				"  NOTIFY v5 terminated/unregistered\n"
				"  answered 200 OK\n"
				"  NOTIFY v2 terminated/expired\n"
				"  answered 200 OK\n"
				"  NOTIFY v6 terminated/unregistered (other dialog)\n"
				"  answered 481 Call/Transaction Does Not Exist\n"
				"2 SUBSCRIBE udp exp=0 in-dialog route\n"
				"3 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
				"result deregistered\n")

/* The subscription is refreshed in its dialog before it expires (2 s granted: at 1 s). */
SCENARIO(test_reg_event_refresh, .stay_for_refresh = true, .reg_event_expires = 600000,
	 ANSWERS(REG_OK, ANSWER("200 OK", NULL)), CARDS(CARD(UICC_AUTH_OK)),
	 SUB_ANSWERS({ "200 OK", 2 }, { "200 OK", 600000 }, { "200 OK", 0 }),
	 NOTIFIES({ .state = "active", .event = "registered", .version = 0, .expires = 600 },
		  { .state = "active",
		    .event = "refreshed",
		    .version = 1,
		    .expires = 600,
		    .wait_subscribe = true }),
	 .stop_after_notifies = true,
	 .golden = REG_OK_LINES "1 SUBSCRIBE udp exp=600000 route\n"
				"  NOTIFY v0 active/registered\n"
				"  answered 200 OK\n"
				"2 SUBSCRIBE udp exp=600000 in-dialog route\n"
				"  NOTIFY v1 active/refreshed\n"
				"  answered 200 OK\n"
				"3 SUBSCRIBE udp exp=0 in-dialog route\n"
				"3 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
				"result deregistered\n")

/*
 * An S-CSCF without a P-CSCF refuses a SUBSCRIBE that lacks P-Asserted-Identity
 * (403, or the bench's 501): the UE stays registered, tells the refusal once,
 * and subscribes again (a new dialog, CSeq 1) after each registration refresh
 * until it succeeds.
 */
#define REFRESH_LINES                                         \
	"  expires=2 route=<sip:orig@scscf.example:5060;lr> " \
	"uris=<sip:user1@ims.example.org>, <tel:+15550100>\n"
SCENARIO(test_reg_event_refused, .stay_for_refresh = true, .reg_event_expires = 600000,
	 .refreshes_before_stop = 2,
	 ANSWERS(ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", OK_200, 2),
		 ANSWER_EXP("200 OK", OK_200, 2), ANSWER_EXP("200 OK", OK_200, 2),
		 ANSWER_EXP("200 OK", OK_200, 2), ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)),
	 SUB_ANSWERS({ "403 Forbidden", 0 }, { "501 Not Implemented", 0 }, { "200 OK", 600000 },
		     { "200 OK", 0 }),
	 .events = "sent register\n"
		   "response 401 Unauthorized\n"
		   "challenged\n"
		   "auth-done 0 ok\n"
		   "sent register-auth\n"
		   "response 200 OK\n"
		   "subscription 403 Forbidden\n"
		   "sent refresh\n"
		   "response 200 OK\n"
		   "sent refresh\n"
		   "response 200 OK\n"
		   "subscription 200 OK\n"
		   "sent refresh\n"
		   "response 200 OK\n"
		   "sent deregister\n"
		   "response 200 OK\n",
	 .golden = "1 REGISTER udp exp=600 initial\n"
		   "  card ok\n"
		   "2 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n"
		   "result registered\n" REFRESH_LINES "1 SUBSCRIBE udp exp=600000 route\n"
		   "3 REGISTER udp exp=600 AKAv1-MD5 nc=00000002 ok\n"
		   "result refreshed\n" REFRESH_LINES "1 SUBSCRIBE udp exp=600000 route\n"
		   "4 REGISTER udp exp=600 AKAv1-MD5 nc=00000003 ok\n"
		   "result refreshed\n" REFRESH_LINES "1 SUBSCRIBE udp exp=600000 route\n"
		   "5 REGISTER udp exp=600 AKAv1-MD5 nc=00000004 ok\n"
		   "result refreshed\n" REFRESH_LINES "2 SUBSCRIBE udp exp=0 in-dialog route\n"
		   "6 REGISTER udp exp=0 AKAv1-MD5 nc=00000005 ok\n"
		   "result deregistered\n")

/* "deactivated": a new initial registration (TS 24.229 5.1.1.7), reported as a refresh. */
SCENARIO(test_reg_event_deactivated, .stay_for_refresh = true, .reg_event_expires = 600000,
	 ANSWERS(REG_OK, ANSWER("401 Unauthorized", CHAL_V1), ANSWER_EXP("200 OK", NULL, 600),
		 ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK), CARD(UICC_AUTH_OK)),
	 SUB_ANSWERS({ "200 OK", 600000 }, { "200 OK", 0 }),
	 NOTIFIES({ .state = "terminated", .event = "deactivated", .version = 0 }),
	 .golden = REG_OK_LINES "1 SUBSCRIBE udp exp=600000 route\n"
				"  NOTIFY v0 terminated/deactivated\n"
				"  answered 200 OK\n"
				"3 REGISTER udp exp=600 initial\n"
				"  card ok\n"
				"4 REGISTER udp exp=600 AKAv1-MD5 nc=00000001 ok\n"
				"result refreshed\n"
				"  expires=600 route= uris=\n"
				"2 SUBSCRIBE udp exp=0 in-dialog\n"
				"5 REGISTER udp exp=0 AKAv1-MD5 nc=00000002 ok\n"
				"result deregistered\n")

/* "shortened" to 2 s: the registration is refreshed at 1 s instead of 300 s. */
SCENARIO(test_reg_event_shortened, .stay_for_refresh = true, .reg_event_expires = 600000,
	 ANSWERS(REG_OK, ANSWER_EXP("200 OK", NULL, 600), ANSWER("200 OK", NULL)),
	 CARDS(CARD(UICC_AUTH_OK)), SUB_ANSWERS({ "200 OK", 600000 }, { "200 OK", 0 }),
	 NOTIFIES({ .state = "active", .event = "shortened", .version = 0, .expires = 2 }),
	 .golden = REG_OK_LINES "1 SUBSCRIBE udp exp=600000 route\n"
				"  NOTIFY v0 active/shortened\n"
				"  answered 200 OK\n"
				"3 REGISTER udp exp=600 AKAv1-MD5 nc=00000002 ok\n"
				"result refreshed\n"
				"  expires=600 route= uris=\n"
				"2 SUBSCRIBE udp exp=0 in-dialog\n"
				"4 REGISTER udp exp=0 AKAv1-MD5 nc=00000003 ok\n"
				"result deregistered\n")

static void test_refresh_delay(void **state)
{
	assert_int_equal(sipreg_refresh_delay(600000), 599400);
	assert_int_equal(sipreg_refresh_delay(3600), 3000);
	assert_int_equal(sipreg_refresh_delay(1201), 601);
	assert_int_equal(sipreg_refresh_delay(1200), 600);
	assert_int_equal(sipreg_refresh_delay(600), 300);
	assert_int_equal(sipreg_refresh_delay(2), 1);
	assert_int_equal(sipreg_refresh_delay(1), 0);
}

struct pdn_outcome {
	GMainLoop *loop;
	int results;
	enum sipreg_result r;
	char reason[400];
};

static void on_pdn_result(enum sipreg_result r, const char *reason, const struct sipreg_info *info,
			  void *user_data)
{
	struct pdn_outcome *o = user_data;

	o->results++;
	o->r = r;
	g_strlcpy(o->reason, reason ? reason : "", sizeof(o->reason));
	g_main_loop_quit(o->loop);
}

static gboolean on_pdn_guard(gpointer data)
{
	fail_msg("no result from sipreg");
	return G_SOURCE_REMOVE;
}

/*
 * Issue 11: with the PDN's DNS servers given, a P-CSCF name is asked of them
 * over the PDN's netdev and never of the system resolver: a netdev that
 * cannot be bound to is a failure naming the name, the server and the
 * device (no packet leaves: the socket is refused before it sends).
 */
static void test_pcscf_name_on_pdn(void **state)
{
	const struct uicc_config ucfg = { .timeout_ms = 5000 };
	struct sipreg_config cfg = {
		.pcscf_host = "pcscf.partner.example",
		.transport = SIPREG_TRANSPORT_ANY,
		.impi = "alice@ims.partner.example",
		.impu = "sip:alice@ims.partner.example",
		.domain = "ims.partner.example",
		.expires = 600,
		.t1_ms = 50,
		.dns = { "198.51.100.1" },
		.n_dns = 1,
		.dns_ifname = "mcmig-nodev0",
	};
	struct sipreg_events ev = { .result = on_pdn_result };
	struct pdn_outcome o = { 0 };
	struct sipreg *reg;
	struct card *card;
	guint guard;

	fake_isim_reset();
	assert_int_equal(card_new(&card, &fake_isim_ops, &ucfg), 0);
	o.loop = g_main_loop_new(NULL, FALSE);
	ev.user_data = &o;
	assert_int_equal(sipreg_new(&reg, &cfg, card, &ev), 0);
	assert_int_equal(sipreg_start(reg), 0);
	assert_int_equal(o.results, 0);
	guard = g_timeout_add_seconds(10, on_pdn_guard, NULL);
	g_main_loop_run(o.loop);
	g_source_remove(guard);
	assert_int_equal(o.results, 1);
	assert_int_equal(o.r, SIPREG_FAILED);
	assert_string_equal(
		o.reason, "P-CSCF not resolved on the PDN: pcscf.partner.example NAPTR: could not "
			  "reach the server (socket: cannot bind to mcmig-nodev0: No such device) "
			  "asked 198.51.100.1 on mcmig-nodev0");
	sipreg_free(reg);
	card_free(card);
	g_main_loop_unref(o.loop);
}

static void test_result_names(void **state)
{
	assert_string_equal(sipreg_result_str(SIPREG_AUTH_FAILED), "auth-failed");
	assert_string_equal(sipreg_result_str(SIPREG_LOST), "lost");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refresh_delay),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_pcscf_name_on_pdn),
		cmocka_unit_test(test_akav1_udp),
		cmocka_unit_test(test_akav1_tcp),
		cmocka_unit_test(test_akav2),
		cmocka_unit_test(test_sync_failure),
		cmocka_unit_test(test_sync_failure_cap),
		cmocka_unit_test(test_mac_failure_cap),
		cmocka_unit_test(test_response_rejected_cap),
		cmocka_unit_test(test_forbidden),
		cmocka_unit_test(test_interval_too_brief),
		cmocka_unit_test(test_423_without_min_expires),
		cmocka_unit_test(test_423_min_expires_not_above),
		cmocka_unit_test(test_423_again),
		cmocka_unit_test(test_423_to_deregistration),
		cmocka_unit_test(test_503_retry_after),
		cmocka_unit_test(test_503_without_retry_after),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_tcp),
		cmocka_unit_test(test_port_unreachable),
		cmocka_unit_test(test_retransmission),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_refresh_refused),
		cmocka_unit_test(test_stop_before_registered),
		cmocka_unit_test(test_free_during_card),
		cmocka_unit_test(test_res_4_bytes_with_zero),
		cmocka_unit_test(test_res_16_bytes_akav2),
		cmocka_unit_test(test_card_error),
		cmocka_unit_test(test_bad_nonce),
		cmocka_unit_test(test_non_aka_challenge),
		cmocka_unit_test(test_nonce_not_base64),
		cmocka_unit_test(test_hostile_garbage),
		cmocka_unit_test(test_hostile_nul),
		cmocka_unit_test(test_hostile_62k_challenge),
		cmocka_unit_test(test_hostile_wrong_branch),
		cmocka_unit_test(test_hostile_wrong_cseq),
		cmocka_unit_test(test_hostile_wrong_call_id),
		cmocka_unit_test(test_hostile_malformed_challenge),
		cmocka_unit_test(test_hostile_status_701),
		cmocka_unit_test(test_hostile_short_body),
		cmocka_unit_test(test_hostile_tcp_framing),
		cmocka_unit_test(test_retry_after_out_of_range),
		cmocka_unit_test(test_retry_after_too_long),
		cmocka_unit_test(test_retry_after_exhausted),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_large_message_tcp),
		cmocka_unit_test(test_reg_event_deregistered_by_network),
		cmocka_unit_test(test_reg_event_deregistered_by_network_tcp),
		cmocka_unit_test(test_reg_event_not_ours),
		cmocka_unit_test(test_reg_event_refresh),
		cmocka_unit_test(test_reg_event_refused),
		cmocka_unit_test(test_reg_event_deactivated),
		cmocka_unit_test(test_reg_event_shortened),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
