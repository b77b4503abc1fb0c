// SPDX-License-Identifier: GPL-2.0-or-later
/* The IdM helper's input and output (agent/idm-result.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idm-result.h"
#include "util.h"

#define BAD(...) snprintf(why, why_len, __VA_ARGS__)

static const char *const step_names[] = {
	[IDM_STEP_REFRESH] = "refresh",
	[IDM_STEP_EXCHANGE] = "token-exchange",
	[IDM_STEP_PARTNER_TOKEN] = "partner-token",
};

const char *idm_step_str(enum idm_step s)
{
	return (size_t)s < ARRAY_SIZE(step_names) ? step_names[s] : "?";
}

/* RFC 6750 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
static bool is_b64token(const char *s)
{
	size_t n =
		strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");

	return n > 0 && s[n + strspn(s + n, "=")] == '\0';
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

int idm_result_format(const struct idm_result *r, char *buf, size_t size, size_t *len)
{
	size_t used = 0, i;
	int ret;

	*len = 0;
	if (!printable(r->reason) || !printable(r->username) || !printable(r->password) ||
	    !printable(r->refresh) || !printable(r->access) ||
	    !printable(r->partner.access_token) || !printable(r->partner.client_id))
		return -EINVAL;
	ret = util_appendf(buf, size, &used, "%d %s\n", -r->err, r->reason[0] ? r->reason : "ok");
	if (ret == 0 && r->username[0])
		ret = util_appendf(buf, size, &used, "username=%s\n", r->username);
	if (ret == 0 && r->password[0])
		ret = util_appendf(buf, size, &used, "password=%s\n", r->password);
	if (ret == 0)
		ret = util_appendf(buf, size, &used, "refresh=%s\n", r->refresh);
	if (ret == 0 && r->access[0])
		ret = util_appendf(buf, size, &used, "access=%lld %s\n", r->access_expires,
				   r->access);
	if (ret == 0 && r->have_partner)
		ret = util_appendf(buf, size, &used, "partner=%lld %s\nclient=%s\n",
				   (long long)r->partner.expires_at, r->partner.access_token,
				   r->partner.client_id);
	for (i = 0; ret == 0 && i < r->n_steps; i++) {
		const struct idm_result_step *s = &r->steps[i];

		if (!printable(s->what))
			return -EINVAL;
		ret = util_appendf(buf, size, &used, "step=%s %d %lld %s\n", idm_step_str(s->step),
				   s->done, s->at_us, s->what);
	}
	if (ret < 0) {
		util_wipe(buf, size);
		return ret;
	}
	*len = used;
	return 0;
}

/* "NUMBER REST": the number into *@v (>= 0), @rest after one space. */
static int number_then(const char *v, long long *out, const char **rest)
{
	char *end;

	errno = 0;
	*out = strtoll(v, &end, 10);
	if (errno || end == v || *out < 0 || *end != ' ')
		return -EBADMSG;
	*rest = end + 1;
	return 0;
}

static int copy_value(const char *v, char *out, size_t size)
{
	return util_strlcpy(out, v, size) < 0 ? -EBADMSG : 0;
}

static int result_step(const char *v, struct idm_result *r)
{
	static const enum idm_step all[] = { IDM_STEP_REFRESH, IDM_STEP_EXCHANGE,
					     IDM_STEP_PARTNER_TOKEN };
	struct idm_result_step *s;
	size_t n = strcspn(v, " "), i;
	long long done;
	const char *rest;

	if (r->n_steps == IDM_RESULT_STEPS_MAX)
		return -EBADMSG;
	s = &r->steps[r->n_steps];
	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (strlen(idm_step_str(all[i])) == n && strncmp(v, idm_step_str(all[i]), n) == 0)
			break;
	if (i == ARRAY_SIZE(all) || v[n] != ' ')
		return -EBADMSG;
	s->step = all[i];
	if (number_then(v + n + 1, &done, &rest) < 0 || done > 1 ||
	    number_then(rest, &s->at_us, &rest) < 0 || copy_value(rest, s->what, sizeof(s->what)))
		return -EBADMSG;
	s->done = done;
	r->n_steps++;
	return 0;
}

static int result_line(char *line, struct idm_result *r)
{
	char *v = strchr(line, '=');
	const char *rest;
	long long t;

	if (!v)
		return -EBADMSG;
	*v++ = '\0';
	if (strcmp(line, "username") == 0)
		return copy_value(v, r->username, sizeof(r->username));
	if (strcmp(line, "password") == 0)
		return copy_value(v, r->password, sizeof(r->password));
	if (strcmp(line, "refresh") == 0)
		return copy_value(v, r->refresh, sizeof(r->refresh));
	if (strcmp(line, "access") == 0) {
		if (number_then(v, &r->access_expires, &rest) < 0 || !*rest)
			return -EBADMSG;
		return copy_value(rest, r->access, sizeof(r->access));
	}
	if (strcmp(line, "partner") == 0) {
		if (number_then(v, &t, &rest) < 0 || !*rest || !is_b64token(rest))
			return -EBADMSG;
		r->partner.expires_at = (time_t)t;
		r->have_partner = true;
		return copy_value(rest, r->partner.access_token, sizeof(r->partner.access_token));
	}
	if (strcmp(line, "client") == 0)
		return copy_value(v, r->partner.client_id, sizeof(r->partner.client_id));
	if (strcmp(line, "step") == 0)
		return result_step(v, r);
	return -EBADMSG;
}

int idm_result_parse(const uint8_t *buf, size_t len, struct idm_result *r, char *why,
		     size_t why_len)
{
	char line[IDM_TOKEN_MAX + 64];
	size_t at = 0, n, lineno = 0;
	long long e;
	const char *rest;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	if (len > IDM_RESULT_MAX) {
		BAD("larger than %d bytes", IDM_RESULT_MAX);
		return -EBADMSG;
	}
	while (at < len && ret == 0) {
		const uint8_t *nl = memchr(buf + at, '\n', len - at);

		lineno++;
		n = nl ? (size_t)(nl - (buf + at)) : len - at;
		if (!nl || n >= sizeof(line) || memchr(buf + at, '\0', n)) {
			ret = -EBADMSG;
			break;
		}
		memcpy(line, buf + at, n);
		line[n] = '\0';
		at += n + 1;
		if (!printable(line)) {
			ret = -EBADMSG;
		} else if (lineno == 1) {
			if (line[0] == '-' || number_then(line, &e, &rest) < 0 || e > 4095 ||
			    !*rest)
				ret = -EBADMSG;
			else {
				r->err = -(int)e;
				ret = copy_value(e ? rest : "", r->reason, sizeof(r->reason));
			}
		} else {
			ret = result_line(line, r);
		}
	}
	util_wipe(line, sizeof(line));
	if (ret == 0 && lineno == 0)
		ret = -EBADMSG;
	if (ret < 0) {
		BAD("line %zu not understood", lineno);
		util_wipe(r, sizeof(*r));
	}
	return ret;
}
