// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mcmig-vcard: a software UICC with an ISIM and/or a USIM for vsmartcard's
 * vpcd (server mode: vpcd listens, the card connects to it). Bench only.
 *
 *   mcmig-vcard --profile FILE [--state FILE] [--vpcd HOST:PORT]
 *   mcmig-vcard --profile FILE --challenge RAND SQN   (prints AUTN XRES CK IK)
 *
 * vpcd wire (vsmartcard's vpcd.c): u16 big-endian length | payload. 1-byte
 * payloads are control: 0 power off, 1 power on, 2 reset, 4 get ATR (answer:
 * the ATR); longer ones are C-APDUs answered with the R-APDU. vpcd polls 4
 * all the time, so it must not touch the card state.
 *
 * The card: MF with EF_DIR (ETSI TS 102 221 13.1) listing the profile's
 * applications in the profile's order; ADF.ISIM with EF_IMPI, EF_DOMAIN,
 * EF_IMPU, EF_IST, EF_P-CSCF (TS 31.103 4.2); ADF.USIM with EF_IMSI, EF_AD
 * (TS 31.102 4.2); logical channels 1-3 (TS 102 221 11.1.17); AUTHENTICATE
 * (TS 31.103 7.1.2, TS 31.102 7.1.2) with our MILENAGE, SQN freshness per TS
 * 33.102 Annex C.2 (SEQ/IND array, delta limit; the optional age limit L is
 * not implemented) and AUTS per TS 33.102 6.3.3. The SQN state is rewritten
 * atomically (write, fsync, rename, fsync dir) before the answer leaves, so a
 * killed and restarted card remembers it. The profile format is described
 * in tests/bench/card/README.md and profiles/alice.ini.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "milenage.h"
#include "util.h"

#define MAX_APPS      4
#define MAX_IMPU      8
#define MAX_PCSCF     4
#define PCSCF_REC_MAX 251
#define MAX_FILES     16
#define MAX_FILE      2048
#define MAX_CHANNELS  4 /* basic + 3 logical */
#define MAX_IND_BITS  5

enum app { APP_ISIM, APP_USIM };
enum df { DF_MF = -1 }; /* otherwise the enum app of an ADF */

struct profile {
	uint8_t atr[33];
	size_t atr_len;
	bool t0;
	bool refuse_channels;
	unsigned int auth_delay_ms;
	enum app apps[MAX_APPS];
	size_t n_apps;
	uint8_t k[16], opc[16], amf[2];
	bool have_k, have_opc;
	uint64_t sqn_ms;
	unsigned int ind_bits;
	uint64_t delta;
	uint8_t aid[2][16];
	size_t aid_len[2];
	char label[2][32];
	char impi[256], domain[256];
	char impu[MAX_IMPU][256];
	size_t n_impu;
	uint8_t ist[16];
	size_t ist_len;
	uint8_t pcscf[MAX_PCSCF][PCSCF_REC_MAX]; /* EF_P-CSCF records as the profile encodes them */
	size_t pcscf_len[MAX_PCSCF];
	size_t n_pcscf;
	char imsi[16];
	unsigned int mnc_len;
	char state[PATH_MAX];
};

struct file {
	int df;
	uint16_t fid;
	bool linear;
	size_t rec_len, n_rec, size;
	uint8_t data[MAX_FILE];
};

struct channel {
	bool open;
	int df;
	int ef; /* index in files[], -1 none */
};

struct card {
	struct profile p;
	struct file files[MAX_FILES];
	size_t n_files;
	struct channel ch[MAX_CHANNELS];
	uint8_t pending[258]; /* T=0: data waiting for GET RESPONSE */
	size_t pending_len;
	uint64_t sqn_ms;
	uint64_t seq[1u << MAX_IND_BITS];
};

static void logmsg(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%lld.%03ld mcmig-vcard: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- profile ---------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int parse_u64(const char *v, int base, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, base);
	if (errno || !*v || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int parse_apps(struct profile *p, char *v)
{
	char *tok, *save = NULL;

	p->n_apps = 0;
	for (tok = strtok_r(v, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
		if (p->n_apps == MAX_APPS)
			return -E2BIG;
		if (!strcmp(tok, "isim"))
			p->apps[p->n_apps++] = APP_ISIM;
		else if (!strcmp(tok, "usim"))
			p->apps[p->n_apps++] = APP_USIM;
		else
			return -EINVAL;
	}
	return p->n_apps ? 0 : -EINVAL;
}

/* 80 L value (long form 81 L past 127 bytes), as EF_IMPI/EF_IMPU/EF_DOMAIN hold it. */
static size_t tlv80(uint8_t *out, uint8_t type, bool typed, const char *s)
{
	size_t n = strlen(s) + (typed ? 1 : 0), i = 0;

	out[i++] = 0x80;
	if (n > 127)
		out[i++] = 0x81;
	out[i++] = (uint8_t)n;
	if (typed)
		out[i++] = type;
	memcpy(out + i, s, strlen(s));
	return i + strlen(s);
}

/*
 * One EF_P-CSCF record (TS 31.103 4.2.8) in one of the forms cards are found
 * programmed with: FORM:VALUE where FORM is
 *   fqdn        type 00, the name as text
 *   ipv4, ipv6  type 01/02, binary address (TS 31.103; current pySim)
 *   ipv4-ff, ipv6-ff     binary after an unused FF octet (older pySim)
 *   ipv4-text, ipv6-text the address as text (some vendors, first bench)
 *   raw         the record's octets in hex, as given (for malformed records)
 */
static int parse_pcscf(struct profile *p, const char *v)
{
	static const struct {
		const char *form;
		uint8_t type;
		int af; /* AF_UNSPEC: text */
		bool ff;
	} forms[] = {
		{ "fqdn", 0, AF_UNSPEC, false },      { "ipv4", 1, AF_INET, false },
		{ "ipv6", 2, AF_INET6, false },	      { "ipv4-ff", 1, AF_INET, true },
		{ "ipv6-ff", 2, AF_INET6, true },     { "ipv4-text", 1, AF_UNSPEC, false },
		{ "ipv6-text", 2, AF_UNSPEC, false },
	};
	const char *colon = strchr(v, ':'), *val;
	uint8_t *rec, bin[16];
	size_t i, fl, n = 0, al;

	if (p->n_pcscf == MAX_PCSCF)
		return -E2BIG;
	if (!colon)
		return -EINVAL;
	rec = p->pcscf[p->n_pcscf];
	fl = (size_t)(colon - v);
	val = colon + 1;
	/* Records stay below 252 octets: READ RECORD's Le is one byte, and 4 FF pad each. */
	if (fl == 3 && !strncmp(v, "raw", 3)) {
		if (util_hex_decode_var(val, rec, PCSCF_REC_MAX, &n) < 0 || n == 0)
			return -EINVAL;
		p->pcscf_len[p->n_pcscf++] = n;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		if (strlen(forms[i].form) != fl || strncmp(v, forms[i].form, fl))
			continue;
		if (forms[i].af == AF_UNSPEC) {
			if (strlen(val) + 4 > PCSCF_REC_MAX)
				return -E2BIG;
			n = tlv80(rec, forms[i].type, true, val);
		} else {
			if (inet_pton(forms[i].af, val, bin) != 1)
				return -EINVAL;
			al = forms[i].af == AF_INET ? 4 : 16;
			rec[n++] = 0x80;
			rec[n++] = (uint8_t)(1 + forms[i].ff + al);
			rec[n++] = forms[i].type;
			if (forms[i].ff)
				rec[n++] = 0xff;
			memcpy(rec + n, bin, al);
			n += al;
		}
		p->pcscf_len[p->n_pcscf++] = n;
		return 0;
	}
	return -EINVAL;
}

static int profile_key(struct profile *p, const char *sec, const char *key, char *v)
{
	uint64_t n;
	size_t len;
	bool b;
	int r;

	if (!strcmp(sec, "card")) {
		if (!strcmp(key, "atr"))
			return util_hex_decode_var(v, p->atr, sizeof(p->atr), &p->atr_len);
		if (!strcmp(key, "apps"))
			return parse_apps(p, v);
		if (!strcmp(key, "t0"))
			return parse_bool(v, &p->t0);
		if (!strcmp(key, "refuse_logical_channels")) {
			r = parse_bool(v, &b);
			p->refuse_channels = b;
			return r;
		}
		if (!strcmp(key, "auth_delay_ms")) {
			r = parse_u64(v, 10, 60000, &n);
			p->auth_delay_ms = (unsigned int)n;
			return r;
		}
	} else if (!strcmp(sec, "auth")) {
		if (!strcmp(key, "k")) {
			p->have_k = true;
			return util_hex_decode(v, p->k, 16);
		}
		if (!strcmp(key, "opc")) {
			p->have_opc = true;
			return util_hex_decode(v, p->opc, 16);
		}
		if (!strcmp(key, "op")) {
			/* Converted once K is known (end of parsing); keep it in opc meanwhile. */
			p->have_opc = false;
			r = util_hex_decode(v, p->opc, 16);
			return r < 0 ? r : 1;
		}
		if (!strcmp(key, "amf"))
			return util_hex_decode(v, p->amf, 2);
		if (!strcmp(key, "sqn_ms"))
			return parse_u64(v, 16, 0xffffffffffffULL, &p->sqn_ms);
		if (!strcmp(key, "ind_bits")) {
			r = parse_u64(v, 10, MAX_IND_BITS, &n);
			p->ind_bits = (unsigned int)n;
			return r;
		}
		if (!strcmp(key, "delta"))
			return parse_u64(v, 0, 0xffffffffffULL, &p->delta);
		if (!strcmp(key, "sqn_state"))
			return util_strlcpy(p->state, v, sizeof(p->state));
	} else if (!strcmp(sec, "isim") || !strcmp(sec, "usim")) {
		int a = !strcmp(sec, "isim") ? APP_ISIM : APP_USIM;

		if (!strcmp(key, "aid")) {
			r = util_hex_decode_var(v, p->aid[a], 16, &len);
			p->aid_len[a] = len;
			return r < 0 ? r : len < 7 ? -EINVAL : 0;
		}
		if (!strcmp(key, "label"))
			return util_strlcpy(p->label[a], v, sizeof(p->label[a]));
		if (a == APP_ISIM) {
			if (!strcmp(key, "impi"))
				return util_strlcpy(p->impi, v, sizeof(p->impi));
			if (!strcmp(key, "domain"))
				return util_strlcpy(p->domain, v, sizeof(p->domain));
			if (!strcmp(key, "impu")) {
				if (p->n_impu == MAX_IMPU)
					return -E2BIG;
				return util_strlcpy(p->impu[p->n_impu++], v, sizeof(p->impu[0]));
			}
			if (!strcmp(key, "ist"))
				return util_hex_decode_var(v, p->ist, sizeof(p->ist), &p->ist_len);
			if (!strcmp(key, "pcscf"))
				return parse_pcscf(p, v);
		} else {
			if (!strcmp(key, "imsi")) {
				len = strlen(v);
				if (len < 6 || len > 15 || strspn(v, "0123456789") != len)
					return -EINVAL;
				return util_strlcpy(p->imsi, v, sizeof(p->imsi));
			}
			if (!strcmp(key, "mnc_len")) {
				r = parse_u64(v, 10, 3, &n);
				p->mnc_len = (unsigned int)n;
				return r < 0 || n < 2 ? -EINVAL : 0;
			}
		}
	}
	return -ENOENT;
}

static int profile_load(struct profile *p, const char *path)
{
	static const uint8_t isim_aid[] = { 0xa0, 0x00, 0x00, 0x00, 0x87, 0x10,
					    0x04, 0xff, 0x49, 0xff, 0x05, 0x89 };
	static const uint8_t usim_aid[] = { 0xa0, 0x00, 0x00, 0x00, 0x87, 0x10,
					    0x02, 0xff, 0x49, 0xff, 0x05, 0x89 };
	char line[512], sec[32] = "", *s, *eq, *key, dir[2 * PATH_MAX + 2], tmp[PATH_MAX];
	unsigned int lineno = 0;
	bool have_op = false;
	FILE *f;
	int r;

	memset(p, 0, sizeof(*p));
	/* Defaults: a T=1-only ATR (3B 80 01 81: TD1 = T=1, TCK), ISIM then USIM. */
	memcpy(p->atr, "\x3b\x80\x01\x81", 4);
	p->atr_len = 4;
	p->apps[0] = APP_ISIM;
	p->apps[1] = APP_USIM;
	p->n_apps = 2;
	p->amf[0] = 0x80;
	p->ind_bits = 5;
	p->delta = 1ULL << 28; /* TS 33.102 C.3.1: delta of 2^28 */
	p->mnc_len = 2;
	memcpy(p->aid[APP_ISIM], isim_aid, sizeof(isim_aid));
	p->aid_len[APP_ISIM] = sizeof(isim_aid);
	memcpy(p->aid[APP_USIM], usim_aid, sizeof(usim_aid));
	p->aid_len[APP_USIM] = sizeof(usim_aid);
	strcpy(p->label[APP_ISIM], "mcmig ISIM");
	strcpy(p->label[APP_USIM], "mcmig USIM");

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "mcmig-vcard: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			eq = strchr(s, ']');
			if (!eq || eq[1] || (size_t)(eq - s) >= sizeof(sec)) {
				r = -EINVAL;
				goto bad;
			}
			*eq = '\0';
			strcpy(sec, s + 1);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			r = -EINVAL;
			goto bad;
		}
		*eq = '\0';
		key = trim(s);
		r = profile_key(p, sec, key, trim(eq + 1));
		if (r == 1)
			have_op = true;
		else if (r < 0)
			goto bad;
	}
	fclose(f);
	if (!p->have_k || (!p->have_opc && !have_op)) {
		fprintf(stderr, "mcmig-vcard: %s: [auth] needs k and opc (or op)\n", path);
		return -EINVAL;
	}
	if (have_op && !p->have_opc) {
		uint8_t op[16];

		memcpy(op, p->opc, 16);
		vcard_milenage_opc(p->k, op, p->opc);
		util_wipe(op, sizeof(op));
	}
	/* A relative sqn_state is relative to the profile's directory. */
	if (p->state[0] && p->state[0] != '/') {
		util_strlcpy(tmp, path, sizeof(tmp));
		r = snprintf(dir, sizeof(dir), "%s/%s", dirname(tmp), p->state);
		if (r < 0 || (size_t)r >= sizeof(dir))
			return -ENAMETOOLONG;
		util_strlcpy(p->state, dir, sizeof(p->state));
	}
	return 0;
bad:
	fclose(f);
	fprintf(stderr, "mcmig-vcard: %s:%u: [%s] bad line (%s)\n", path, lineno, sec,
		r == -ENOENT ? "unknown key" : strerror(-r));
	return -EINVAL;
}

/* ---- files ------------------------------------------------------------ */

static struct file *add_file(struct card *c, int df, uint16_t fid, bool linear, size_t rec_len,
			     size_t n_rec, size_t size)
{
	struct file *f = &c->files[c->n_files++];

	f->df = df;
	f->fid = fid;
	f->linear = linear;
	f->rec_len = rec_len;
	f->n_rec = n_rec;
	f->size = linear ? rec_len * n_rec : size;
	memset(f->data, 0xff, sizeof(f->data));
	return f;
}

static void build_files(struct card *c)
{
	const struct profile *p = &c->p;
	struct file *f;
	size_t i, n, max;
	uint8_t rec[64];

	/* EF_DIR: one 48-byte record per application, in profile order, plus a free one. */
	f = add_file(c, DF_MF, 0x2f00, true, 48, p->n_apps + 1, 0);
	for (i = 0; i < p->n_apps; i++) {
		enum app a = p->apps[i];
		size_t ll = strlen(p->label[a]);

		n = 0;
		rec[n++] = 0x61;
		rec[n++] = (uint8_t)(2 + p->aid_len[a] + 2 + ll);
		rec[n++] = 0x4f;
		rec[n++] = (uint8_t)p->aid_len[a];
		memcpy(rec + n, p->aid[a], p->aid_len[a]);
		n += p->aid_len[a];
		rec[n++] = 0x50;
		rec[n++] = (uint8_t)ll;
		memcpy(rec + n, p->label[a], ll);
		n += ll;
		memcpy(f->data + i * 48, rec, n);
	}
	/* ADF.ISIM: transparent EFs padded with FF, linear EFs with a spare empty record. */
	f = add_file(c, APP_ISIM, 0x6f02, false, 0, 0, strlen(p->impi) + 8);
	tlv80(f->data, 0, false, p->impi);
	f = add_file(c, APP_ISIM, 0x6f03, false, 0, 0, strlen(p->domain) + 8);
	tlv80(f->data, 0, false, p->domain);
	for (i = 0, max = 0; i < p->n_impu; i++)
		max = strlen(p->impu[i]) > max ? strlen(p->impu[i]) : max;
	f = add_file(c, APP_ISIM, 0x6f04, true, max + 3 + 4, p->n_impu + 1, 0);
	for (i = 0; i < p->n_impu; i++)
		tlv80(f->data + i * f->rec_len, 0, false, p->impu[i]);
	f = add_file(c, APP_ISIM, 0x6f07, false, 0, 0, p->ist_len ? p->ist_len : 1);
	memcpy(f->data, p->ist, p->ist_len);
	if (!p->ist_len)
		f->data[0] = 0x00;
	for (i = 0, max = 0; i < p->n_pcscf; i++)
		max = p->pcscf_len[i] > max ? p->pcscf_len[i] : max;
	f = add_file(c, APP_ISIM, 0x6f09, true, max + 4, p->n_pcscf + 1, 0);
	for (i = 0; i < p->n_pcscf; i++)
		memcpy(f->data + i * f->rec_len, p->pcscf[i], p->pcscf_len[i]);
	/* ADF.USIM: EF_IMSI (TS 31.102 4.2.2) and EF_AD (4.2.18). */
	f = add_file(c, APP_USIM, 0x6f07, false, 0, 0, 9);
	n = strlen(p->imsi);
	if (n) {
		f->data[0] = (uint8_t)((n + 2) / 2);
		f->data[1] = (uint8_t)(((p->imsi[0] - '0') << 4) | (n & 1 ? 0x09 : 0x01));
		for (i = 1; i < n; i++) {
			uint8_t d = (uint8_t)(p->imsi[i] - '0');
			uint8_t *b = &f->data[1 + (i + 1) / 2];

			if (i & 1)
				*b = (uint8_t)((*b & 0xf0) | d);
			else
				*b = (uint8_t)((*b & 0x0f) | (d << 4));
		}
	}
	f = add_file(c, APP_USIM, 0x6fad, false, 0, 0, 4);
	memset(f->data, 0, 4);
	f->data[3] = (uint8_t)p->mnc_len;
}

/* FCP (TS 102 221 11.1.1.3) of an EF, the MF (df DF_MF, ef NULL) or an ADF. */
static size_t fcp(const struct card *c, int df, const struct file *f, uint8_t *out)
{
	size_t n = 2;

	out[0] = 0x62;
	if (f) {
		out[n++] = 0x82;
		if (f->linear) {
			out[n++] = 5;
			out[n++] = 0x42;
			out[n++] = 0x21;
			out[n++] = (uint8_t)(f->rec_len >> 8);
			out[n++] = (uint8_t)f->rec_len;
			out[n++] = (uint8_t)f->n_rec;
		} else {
			out[n++] = 2;
			out[n++] = 0x41;
			out[n++] = 0x21;
		}
		out[n++] = 0x83;
		out[n++] = 2;
		out[n++] = (uint8_t)(f->fid >> 8);
		out[n++] = (uint8_t)f->fid;
		out[n++] = 0x80;
		out[n++] = 2;
		out[n++] = (uint8_t)(f->size >> 8);
		out[n++] = (uint8_t)f->size;
	} else {
		out[n++] = 0x82;
		out[n++] = 2;
		out[n++] = 0x78;
		out[n++] = 0x21;
		if (df == DF_MF) {
			out[n++] = 0x83;
			out[n++] = 2;
			out[n++] = 0x3f;
			out[n++] = 0x00;
		} else {
			out[n++] = 0x84;
			out[n++] = (uint8_t)c->p.aid_len[df];
			memcpy(out + n, c->p.aid[df], c->p.aid_len[df]);
			n += c->p.aid_len[df];
		}
	}
	out[n++] = 0x8a;
	out[n++] = 1;
	out[n++] = 0x05; /* operational, activated */
	out[1] = (uint8_t)(n - 2);
	return n;
}

/* ---- SQN state (TS 33.102 Annex C) ------------------------------------ */

/* No state file yet: the profile's sqn_ms is the highest SQN accepted so far,
 * so every SQN up to it counts as used and every later one (within delta) is
 * fresh. In the C.2.2 array that is SEQ(sqn_ms) in the slots up to
 * IND(sqn_ms) and SEQ(sqn_ms) - 1 in the slots above it, whose SQN with
 * SEQ(sqn_ms) lies beyond sqn_ms. SEQ 0 is never fresh. */
static void state_initial(struct card *c)
{
	uint64_t mask = (1u << c->p.ind_bits) - 1;
	uint64_t seq_ms = c->p.sqn_ms >> c->p.ind_bits;
	size_t i;

	c->sqn_ms = c->p.sqn_ms;
	memset(c->seq, 0, sizeof(c->seq));
	for (i = 0; i <= mask; i++)
		c->seq[i] = i <= (c->p.sqn_ms & mask) || !seq_ms ? seq_ms : seq_ms - 1;
}

static int state_load(struct card *c)
{
	char line[1024], *s, *tok, *save = NULL;
	size_t i = 0;
	FILE *f;

	state_initial(c);
	if (!c->p.state[0])
		return 0;
	f = fopen(c->p.state, "r");
	if (!f) {
		if (errno != ENOENT)
			return -errno;
		logmsg("no SQN state in %s yet: SQN_MS %012" PRIx64 " from the profile", c->p.state,
		       c->sqn_ms);
		return 0;
	}
	memset(c->seq, 0, sizeof(c->seq));
	while (fgets(line, sizeof(line), f)) {
		s = trim(line);
		if (!strncmp(s, "sqn_ms = ", 9)) {
			c->sqn_ms = strtoull(s + 9, NULL, 16) & 0xffffffffffffULL;
		} else if (!strncmp(s, "seq = ", 6)) {
			for (tok = strtok_r(s + 6, " ", &save); tok && i < ARRAY_SIZE(c->seq);
			     tok = strtok_r(NULL, " ", &save))
				c->seq[i++] = strtoull(tok, NULL, 16);
		}
	}
	fclose(f);
	logmsg("SQN state from %s: SQN_MS %012" PRIx64, c->p.state, c->sqn_ms);
	return 0;
}

/* write + fsync + rename + fsync(dir): the old or the new state, never a torn one. */
static int state_save(const struct card *c)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX];
	size_t i;
	FILE *f;
	int fd, r = 0;

	if (!c->p.state[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", c->p.state);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	fprintf(f,
		"# mcmig-vcard SQN state (TS 33.102 Annex C), rewritten on every accepted SQN\n");
	fprintf(f, "sqn_ms = %012" PRIx64 "\nind_bits = %u\nseq =", c->sqn_ms, c->p.ind_bits);
	for (i = 0; i < (1u << c->p.ind_bits); i++)
		fprintf(f, " %" PRIx64, c->seq[i]);
	fprintf(f, "\n");
	if (fflush(f) || fsync(fd))
		r = -errno;
	if (fclose(f) && !r)
		r = -errno;
	if (!r && rename(tmp, c->p.state))
		r = -errno;
	if (!r) {
		util_strlcpy(dir, c->p.state, sizeof(dir));
		fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	return r;
}

static uint64_t be48(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = (v << 8) | b[i];
	return v;
}

static void put48(uint64_t v, uint8_t *b)
{
	int i;

	for (i = 5; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

/* TS 33.102 C.2.2: SEQ > SEQ_MS(IND) and SEQ - SEQ_MS <= delta. */
static bool sqn_fresh(const struct card *c, uint64_t sqn)
{
	uint64_t mask = (1u << c->p.ind_bits) - 1;
	uint64_t seq = sqn >> c->p.ind_bits, seq_ms = c->sqn_ms >> c->p.ind_bits;

	if (seq <= c->seq[sqn & mask])
		return false;
	return seq <= seq_ms || seq - seq_ms <= c->p.delta;
}

static void sqn_accept(struct card *c, uint64_t sqn)
{
	uint64_t mask = (1u << c->p.ind_bits) - 1;

	c->seq[sqn & mask] = sqn >> c->p.ind_bits;
	if (sqn > c->sqn_ms)
		c->sqn_ms = sqn;
}

/* ---- APDUs ------------------------------------------------------------ */

static size_t sw(uint8_t *out, size_t n, uint16_t s)
{
	out[n] = (uint8_t)(s >> 8);
	out[n + 1] = (uint8_t)s;
	return n + 2;
}

/* Data out: directly (T=1, or case 2 commands) or as 61 xx + GET RESPONSE (T=0 quirk). */
static size_t answer(struct card *c, const uint8_t *data, size_t len, bool case4, uint8_t *out)
{
	if (c->p.t0 && case4 && len) {
		memcpy(c->pending, data, len);
		c->pending_len = len;
		return sw(out, 0, (uint16_t)(0x6100 | (len & 0xff)));
	}
	memcpy(out, data, len);
	return sw(out, len, 0x9000);
}

static void card_reset(struct card *c)
{
	size_t i;

	for (i = 0; i < MAX_CHANNELS; i++) {
		c->ch[i].open = i == 0;
		c->ch[i].df = DF_MF;
		c->ch[i].ef = -1;
	}
	c->pending_len = 0;
}

static size_t cmd_select(struct card *c, struct channel *ch, uint8_t p1, uint8_t p2,
			 const uint8_t *d, size_t lc, uint8_t *out)
{
	uint8_t r[64];
	uint16_t fid;
	size_t i, a;

	if (p1 == 0x04) {
		/* By DF name; a right-truncated AID selects too (ISO 7816-4 partial). */
		for (i = 0; i < c->p.n_apps; i++) {
			a = c->p.apps[i];
			if (lc >= 5 && lc <= c->p.aid_len[a] && !memcmp(d, c->p.aid[a], lc))
				break;
		}
		if (i == c->p.n_apps)
			return sw(out, 0, 0x6a82);
		ch->df = (int)c->p.apps[i];
		ch->ef = -1;
		if ((p2 & 0x0c) == 0x0c)
			return sw(out, 0, 0x9000);
		return answer(c, r, fcp(c, ch->df, NULL, r), true, out);
	}
	if (p1 != 0x00 || lc != 2)
		return sw(out, 0, 0x6a86);
	fid = (uint16_t)(d[0] << 8 | d[1]);
	if (fid == 0x3f00) {
		ch->df = DF_MF;
		ch->ef = -1;
		return answer(c, r, fcp(c, DF_MF, NULL, r), true, out);
	}
	for (i = 0; i < c->n_files; i++) {
		if (c->files[i].df != ch->df || c->files[i].fid != fid)
			continue;
		ch->ef = (int)i;
		if ((p2 & 0x0c) == 0x0c)
			return sw(out, 0, 0x9000);
		return answer(c, r, fcp(c, ch->df, &c->files[i], r), true, out);
	}
	return sw(out, 0, 0x6a82);
}

static size_t cmd_read(struct card *c, struct channel *ch, uint8_t ins, uint8_t p1, uint8_t p2,
		       bool has_le, unsigned int le, uint8_t *out)
{
	const struct file *f;
	size_t off, avail;

	if (ch->ef < 0)
		return sw(out, 0, 0x6986); /* no current EF */
	f = &c->files[ch->ef];
	if (ins == 0xb0) {
		if (f->linear)
			return sw(out, 0, 0x6981);
		if (p1 & 0x80)
			return sw(out, 0, 0x6a81); /* SFI addressing: not offered */
		off = (size_t)(p1 << 8 | p2);
		if (off > f->size)
			return sw(out, 0, 0x6b00);
		avail = f->size - off;
		if (!has_le || le == 0)
			le = avail < 256 ? (unsigned int)avail : 256;
		if (le > avail)
			return sw(out, 0, (uint16_t)(0x6c00 | avail));
		return answer(c, f->data + off, le, false, out);
	}
	if (!f->linear)
		return sw(out, 0, 0x6981);
	if (p2 != 0x04)
		return sw(out, 0, 0x6a86);
	if (p1 == 0 || p1 > f->n_rec)
		return sw(out, 0, 0x6a83);
	if (has_le && le != 0 && le != f->rec_len)
		return sw(out, 0, (uint16_t)(0x6c00 | f->rec_len));
	return answer(c, f->data + (p1 - 1) * f->rec_len, f->rec_len, false, out);
}

static size_t cmd_channel(struct card *c, uint8_t p1, uint8_t p2, uint8_t *out)
{
	uint8_t n;

	if (p1 == 0x00) {
		/* TS 102 221 11.1.17; the quirk mimics cards without logical channels. */
		if (c->p.refuse_channels)
			return sw(out, 0, 0x6881);
		if (p2 != 0)
			return sw(out, 0, 0x6a86);
		for (n = 1; n < MAX_CHANNELS; n++) {
			if (c->ch[n].open)
				continue;
			c->ch[n].open = true;
			c->ch[n].df = DF_MF;
			c->ch[n].ef = -1;
			return answer(c, &n, 1, false, out);
		}
		return sw(out, 0, 0x6a81);
	}
	if (p1 == 0x80) {
		if (p2 == 0 || p2 >= MAX_CHANNELS || !c->ch[p2].open)
			return sw(out, 0, 0x6a86);
		c->ch[p2].open = false;
		return sw(out, 0, 0x9000);
	}
	return sw(out, 0, 0x6a86);
}

static size_t cmd_authenticate(struct card *c, struct channel *ch, uint8_t p2, const uint8_t *d,
			       size_t lc, uint8_t *out)
{
	const struct profile *p = &c->p;
	uint8_t ak[6], aks[6], sqn[6], xmac[8], mac_s[8], res[8], ck[16], ik[16], r[64];
	static const uint8_t amf0[2] = { 0, 0 };
	const uint8_t *rand, *autn;
	uint64_t s;
	size_t n = 0, i, len;
	int e;

	if (ch->df != APP_ISIM && ch->df != APP_USIM)
		return sw(out, 0, 0x6985);
	if (p2 == 0x80)
		return sw(out, 0, 0x9864); /* GSM context: not offered */
	if (p2 != 0x81)
		return sw(out, 0, 0x6a86);
	if (lc != 34 || d[0] != 16 || d[17] != 16)
		return sw(out, 0, 0x6700);
	rand = d + 1;
	autn = d + 18;
	if (p->auth_delay_ms) {
		struct timespec ts = { p->auth_delay_ms / 1000,
				       (p->auth_delay_ms % 1000) * 1000000L };

		logmsg("AUTHENTICATE: holding the answer for %u ms", p->auth_delay_ms);
		nanosleep(&ts, NULL);
	}
	/* TS 33.102 6.3.3: SQN = (SQN xor AK) xor AK, then XMAC = f1(SQN, RAND, AMF). */
	vcard_milenage_f2345(p->k, p->opc, rand, res, ck, ik, ak, aks);
	for (i = 0; i < 6; i++)
		sqn[i] = autn[i] ^ ak[i];
	vcard_milenage_f1(p->k, p->opc, rand, sqn, autn + 6, xmac, NULL);
	if (!util_equal_ct(xmac, autn + 8, 8)) {
		logmsg("AUTHENTICATE: MAC failure (98 62)");
		len = sw(out, 0, 0x9862);
		goto out;
	}
	s = be48(sqn);
	if (!sqn_fresh(c, s)) {
		/* TS 33.102 6.3.3/6.3.5: AUTS = SQN_MS xor AK* || MAC-S(SQN_MS, RAND, AMF 0000). */
		put48(c->sqn_ms, sqn);
		vcard_milenage_f1(p->k, p->opc, rand, sqn, amf0, NULL, mac_s);
		r[n++] = 0xdc;
		r[n++] = 14;
		for (i = 0; i < 6; i++)
			r[n++] = sqn[i] ^ aks[i];
		memcpy(r + n, mac_s, 8);
		n += 8;
		logmsg("AUTHENTICATE: SQN %012" PRIx64 " not fresh (SQN_MS %012" PRIx64
		       "): sync failure",
		       s, c->sqn_ms);
		len = answer(c, r, n, true, out);
		goto out;
	}
	sqn_accept(c, s);
	e = state_save(c);
	if (e < 0) {
		logmsg("AUTHENTICATE: cannot save the SQN state %s: %s", p->state, strerror(-e));
		len = sw(out, 0, 0x6f00);
		goto out;
	}
	r[n++] = 0xdb;
	r[n++] = 8;
	memcpy(r + n, res, 8);
	n += 8;
	r[n++] = 16;
	memcpy(r + n, ck, 16);
	n += 16;
	r[n++] = 16;
	memcpy(r + n, ik, 16);
	n += 16;
	if (ch->df == APP_USIM) {
		/* TS 33.102 6.8.1.2 c3: Kc = CK1^CK2^IK1^IK2, appended by a USIM. */
		r[n++] = 8;
		for (i = 0; i < 8; i++)
			r[n++] = ck[i] ^ ck[i + 8] ^ ik[i] ^ ik[i + 8];
	}
	logmsg("AUTHENTICATE: SQN %012" PRIx64 " accepted (IND %" PRIu64 ")", s,
	       s & ((1u << p->ind_bits) - 1));
	len = answer(c, r, n, true, out);
out:
	util_wipe(r, sizeof(r));
	util_wipe(res, sizeof(res));
	util_wipe(ck, sizeof(ck));
	util_wipe(ik, sizeof(ik));
	return len;
}

static size_t process(struct card *c, const uint8_t *a, size_t len, uint8_t *out)
{
	uint8_t cla = a[0], ins = a[1], p1 = a[2], p2 = a[3];
	unsigned int ci, le = 0;
	const uint8_t *d = NULL;
	size_t lc = 0, pend;
	bool has_le = false;
	struct channel *ch;

	if (len == 5) {
		has_le = true;
		le = a[4];
	} else if (len > 5) {
		lc = a[4];
		d = a + 5;
		if (len == 6 + lc) {
			has_le = true;
			le = a[len - 1];
		} else if (len != 5 + lc) {
			return sw(out, 0, 0x6700);
		}
	}
	/* GET RESPONSE keeps the pending data; anything else drops it. */
	pend = c->pending_len;
	c->pending_len = 0;
	if ((cla & 0xe0) != 0x00 && (cla & 0xe0) != 0x40)
		return sw(out, 0, 0x6e00);
	ci = cla & 0x40 ? 4 + (cla & 0x0f) : cla & 0x03;
	if (ci >= MAX_CHANNELS || !c->ch[ci].open)
		return sw(out, 0, 0x6881);
	ch = &c->ch[ci];
	switch (ins) {
	case 0xa4:
		return cmd_select(c, ch, p1, p2, d, lc, out);
	case 0xb0:
	case 0xb2:
		return cmd_read(c, ch, ins, p1, p2, has_le, le, out);
	case 0xc0:
		if (!pend)
			return sw(out, 0, 0x6985);
		if (le == 0 || le >= pend) {
			memcpy(out, c->pending, pend);
			return sw(out, pend, 0x9000);
		}
		memcpy(out, c->pending, le);
		memmove(c->pending, c->pending + le, pend - le);
		c->pending_len = pend - le;
		return sw(out, le, (uint16_t)(0x6100 | ((pend - le) & 0xff)));
	case 0x70:
		return cmd_channel(c, p1, p2, out);
	case 0x88:
		return cmd_authenticate(c, ch, p2, d, lc, out);
	case 0xf2: /* STATUS */
		return sw(out, 0, 0x9000);
	}
	return sw(out, 0, 0x6d00);
}

/* ---- vpcd connection -------------------------------------------------- */

static int read_full(int fd, uint8_t *b, size_t n)
{
	int one = 1;
	ssize_t r;

	while (n) {
		/*
		 * vpcd writes the length and the payload separately: with our
		 * delayed ACK its Nagle holds the payload ~40 ms. Quick ACKs
		 * (re-armed before every read: the kernel clears the flag).
		 */
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		r = read(fd, b, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One write() per message (bench.md: split writes cost ~90 ms per APDU with Nagle/ack). */
static int send_msg(int fd, const uint8_t *p, size_t n)
{
	uint8_t b[2 + 300];
	ssize_t r;

	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	memcpy(b + 2, p, n);
	r = write(fd, b, n + 2);
	util_wipe(b, sizeof(b));
	return r == (ssize_t)(n + 2) ? 0 : -1;
}

static int vpcd_connect(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int fd = -1, one = 1;

	if (getaddrinfo(host, port, &hints, &res))
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void serve(struct card *c, int fd)
{
	uint8_t hdr[2], msg[300], out[300];
	size_t n, olen;

	for (;;) {
		if (read_full(fd, hdr, 2) < 0)
			return;
		n = (size_t)(hdr[0] << 8 | hdr[1]);
		if (n == 0 || n > sizeof(msg) || read_full(fd, msg, n) < 0)
			return;
		if (n == 1) {
			switch (msg[0]) {
			case 0: /* power off */
			case 1: /* power on */
			case 2: /* reset */
				card_reset(c);
				break;
			case 4: /* get ATR */
				if (send_msg(fd, c->p.atr, c->p.atr_len) < 0)
					return;
				break;
			}
			continue;
		}
		if (n < 4) {
			olen = sw(out, 0, 0x6700);
		} else {
			olen = process(c, msg, n, out);
			logmsg("C %02x %02x %02x %02x (%zu) -> SW %02x%02x (%zu bytes)", msg[0],
			       msg[1], msg[2], msg[3], n, out[olen - 2], out[olen - 1], olen - 2);
		}
		util_wipe(msg, sizeof(msg));
		if (send_msg(fd, out, olen) < 0)
			return;
		util_wipe(out, sizeof(out));
	}
}

static int challenge(const struct profile *p, const char *rand_hex, const char *sqn_hex)
{
	uint8_t rand[16], sqn[6], ak[6], mac[8], res[8], ck[16], ik[16], autn[16];
	char h[33];
	size_t i;

	if (util_hex_decode(rand_hex, rand, 16) < 0 || util_hex_decode(sqn_hex, sqn, 6) < 0) {
		fprintf(stderr, "mcmig-vcard: --challenge RAND(32 hex) SQN(12 hex)\n");
		return 2;
	}
	vcard_milenage_f2345(p->k, p->opc, rand, res, ck, ik, ak, NULL);
	vcard_milenage_f1(p->k, p->opc, rand, sqn, p->amf, mac, NULL);
	for (i = 0; i < 6; i++)
		autn[i] = sqn[i] ^ ak[i];
	memcpy(autn + 6, p->amf, 2);
	memcpy(autn + 8, mac, 8);
	util_hex_encode(autn, 16, h);
	printf("autn %s\n", h);
	util_hex_encode(res, 8, h);
	printf("xres %s\n", h);
	util_hex_encode(ck, 16, h);
	printf("ck %s\n", h);
	util_hex_encode(ik, 16, h);
	printf("ik %s\n", h);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mcmig-vcard --profile FILE [--state FILE] [--vpcd HOST:PORT]\n"
		   "       mcmig-vcard --profile FILE --challenge RAND SQN\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 's' },
		{ "vpcd", required_argument, NULL, 'v' },
		{ "challenge", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char host[256] = "127.0.0.1", *colon;
	const char *port = "35963";
	const char *profile = NULL, *state = NULL;
	bool chal = false, waiting = false;
	static struct card card;
	int o, fd;

	while ((o = getopt_long(argc, argv, "p:s:v:ch", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			profile = optarg;
			break;
		case 's':
			state = optarg;
			break;
		case 'v':
			if (util_strlcpy(host, optarg, sizeof(host)) < 0 ||
			    !(colon = strrchr(host, ':'))) {
				usage(stderr);
				return 2;
			}
			*colon = '\0';
			port = colon + 1;
			break;
		case 'c':
			chal = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!profile || profile_load(&card.p, profile) < 0) {
		if (!profile)
			usage(stderr);
		return 2;
	}
	if (chal)
		return argc - optind == 2 ? challenge(&card.p, argv[optind], argv[optind + 1]) : 2;
	if (state && util_strlcpy(card.p.state, state, sizeof(card.p.state)) < 0)
		return 2;
	if (state_load(&card) < 0) {
		fprintf(stderr, "mcmig-vcard: cannot read %s: %s\n", card.p.state, strerror(errno));
		return 1;
	}
	build_files(&card);
	setvbuf(stderr, NULL, _IOLBF, 0);
	logmsg("profile %s: %zu application(s)%s%s, vpcd %s:%s", profile, card.p.n_apps,
	       card.p.t0 ? ", T=0 (61xx)" : "", card.p.refuse_channels ? ", no channels" : "", host,
	       port);
	for (;;) {
		fd = vpcd_connect(host, port);
		if (fd < 0) {
			struct timespec ts = { 0, 100 * 1000000L };

			if (!waiting)
				logmsg("waiting for vpcd at %s:%s", host, port);
			waiting = true;
			nanosleep(&ts, NULL);
			continue;
		}
		waiting = false;
		logmsg("connected to vpcd");
		card_reset(&card);
		serve(&card, fd);
		close(fd);
		logmsg("vpcd connection closed");
	}
}
