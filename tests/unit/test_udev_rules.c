// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Evaluates the shipped udev/78-mcmig.rules the way udev does (udev(7): match
 * keys, parent keys matching one parent, '|' alternatives and globs, ENV and
 * TAG assignments, GROUP/MODE, $attr/$env substitution, GOTO/LABEL) against
 * sample devices, and checks the tags and the permissions given: group mcmig
 * read/write on the modem control nodes, nothing on anything else. Any key
 * the rules use that this evaluator does not know fails the test, so it
 * cannot silently skip a rule.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RULES	   "udev/78-mcmig.rules"
#define KV_MAX	   16
#define LINE_MAX_  1024
#define TOKENS_MAX 12

struct kv {
	const char *k, *v;
};

struct node {
	const char *subsystem, *kernel, *driver;
	struct kv attrs[KV_MAX];
};

/* self is node 0, then its parents nearest first. */
struct dev {
	const char *action;
	const char *devtype;
	struct node nodes[4];
};

struct env {
	char k[KV_MAX * 2][64];
	char v[KV_MAX * 2][128];
	size_t n;
	bool tagged;
	bool group, mode; /* GROUP="mcmig", MODE="0660" assigned */
};

static const char *kv_get(const struct kv *kv, const char *k)
{
	size_t i;

	for (i = 0; i < KV_MAX && kv[i].k; i++)
		if (!strcmp(kv[i].k, k))
			return kv[i].v;
	return NULL;
}

static const char *env_get(const struct env *e, const char *k)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->k[i], k))
			return e->v[i];
	return NULL;
}

static void env_set(struct env *e, const char *k, const char *v)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->k[i], k))
			break;
	assert_true(i < KV_MAX * 2);
	if (i == e->n)
		e->n++;
	snprintf(e->k[i], sizeof(e->k[i]), "%s", k);
	snprintf(e->v[i], sizeof(e->v[i]), "%s", v);
}

/* udev(7): a pattern is a '|'-separated list of shell globs. */
static bool pattern_match(const char *pattern, const char *value)
{
	char buf[256], *alt, *save = NULL;

	if (!value)
		value = "";
	snprintf(buf, sizeof(buf), "%s", pattern);
	for (alt = strtok_r(buf, "|", &save); alt; alt = strtok_r(NULL, "|", &save))
		if (fnmatch(alt, value, 0) == 0)
			return true;
	return !pattern[0] && !value[0];
}

struct token {
	char key[32];
	char attr[64];
	char op[3];
	char value[256];
};

static int tokenize(char *line, struct token *t, size_t *n)
{
	char *p = line;

	*n = 0;
	while (*p) {
		struct token *tk = &t[*n];
		size_t i = 0;
		char *q;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*n == TOKENS_MAX)
			return -E2BIG;
		memset(tk, 0, sizeof(*tk));
		while (*p && (isupper((unsigned char)*p) || *p == '_') && i < sizeof(tk->key) - 1)
			tk->key[i++] = *p++;
		if (*p == '{') {
			q = strchr(p, '}');
			if (!q || (size_t)(q - p - 1) >= sizeof(tk->attr))
				return -EINVAL;
			memcpy(tk->attr, p + 1, (size_t)(q - p - 1));
			p = q + 1;
		}
		if (!strncmp(p, "==", 2) || !strncmp(p, "!=", 2) || !strncmp(p, "+=", 2) ||
		    !strncmp(p, ":=", 2)) {
			memcpy(tk->op, p, 2);
			p += 2;
		} else if (*p == '=') {
			tk->op[0] = '=';
			p++;
		} else {
			return -EINVAL;
		}
		if (*p != '"')
			return -EINVAL;
		q = strchr(p + 1, '"');
		if (!q || (size_t)(q - p - 1) >= sizeof(tk->value))
			return -EINVAL;
		memcpy(tk->value, p + 1, (size_t)(q - p - 1));
		p = q + 1;
		(*n)++;
	}
	return 0;
}

static bool is_match(const struct token *t)
{
	return !strcmp(t->op, "==") || !strcmp(t->op, "!=");
}

static bool is_parent_key(const char *key)
{
	return !strcmp(key, "SUBSYSTEMS") || !strcmp(key, "ATTRS") || !strcmp(key, "KERNELS") ||
	       !strcmp(key, "DRIVERS");
}

static bool match_one(const struct token *t, const char *value)
{
	bool m = pattern_match(t->value, value);

	return !strcmp(t->op, "==") ? m : !m;
}

/* Expands $attr{x} (from @node) and $env{x}. */
static void substitute(const char *in, const struct node *node, const struct env *e, char *out,
		       size_t size)
{
	size_t o = 0;

	while (*in && o + 1 < size) {
		const char *v = NULL;
		char name[64];
		const char *end;

		if (!strncmp(in, "$attr{", 6) || !strncmp(in, "$env{", 5)) {
			bool attr = in[1] == 'a';

			in += attr ? 6 : 5;
			end = strchr(in, '}');
			assert_non_null(end);
			snprintf(name, sizeof(name), "%.*s", (int)(end - in), in);
			v = attr ? kv_get(node->attrs, name) : env_get(e, name);
			while (v && *v && o + 1 < size)
				out[o++] = *v++;
			in = end + 1;
			continue;
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

/* Runs the rules over @d; the resulting properties land in @e. */
static void run_rules(const struct dev *d, struct env *e)
{
	char line[LINE_MAX_], skip_to[256] = "";
	FILE *f = fopen(RULES, "r");
	unsigned int lineno = 0;

	assert_non_null(f);
	memset(e, 0, sizeof(*e));
	if (d->devtype)
		env_set(e, "DEVTYPE", d->devtype);
	while (fgets(line, sizeof(line), f)) {
		struct token t[TOKENS_MAX];
		const struct node *matched = &d->nodes[0];
		bool ok = true, parent_keys = false;
		size_t n, i, p;
		char *s = line;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (tokenize(s, t, &n)) {
			fail_msg("%s:%u: cannot tokenize", RULES, lineno);
		}
		if (skip_to[0]) {
			if (n == 1 && !strcmp(t[0].key, "LABEL") && !strcmp(t[0].value, skip_to))
				skip_to[0] = '\0';
			continue;
		}
		/* Device keys. */
		for (i = 0; i < n && ok; i++) {
			const char *v = NULL;

			if (!is_match(&t[i]) || is_parent_key(t[i].key))
				continue;
			if (!strcmp(t[i].key, "ACTION"))
				v = d->action;
			else if (!strcmp(t[i].key, "SUBSYSTEM"))
				v = d->nodes[0].subsystem;
			else if (!strcmp(t[i].key, "KERNEL"))
				v = d->nodes[0].kernel;
			else if (!strcmp(t[i].key, "ENV"))
				v = env_get(e, t[i].attr);
			else if (!strcmp(t[i].key, "ATTR"))
				v = kv_get(d->nodes[0].attrs, t[i].attr);
			else
				fail_msg("%s:%u: match key %s unknown to the test", RULES, lineno,
					 t[i].key);
			ok = match_one(&t[i], v);
		}
		/* Parent keys: all of them must match on one node, self first. */
		for (i = 0; i < n; i++)
			parent_keys = parent_keys || (is_match(&t[i]) && is_parent_key(t[i].key));
		if (ok && parent_keys) {
			ok = false;
			for (p = 0; p < 4 && d->nodes[p].subsystem && !ok; p++) {
				const struct node *nd = &d->nodes[p];
				bool all = true;

				for (i = 0; i < n && all; i++) {
					const char *v = NULL;

					if (!is_match(&t[i]) || !is_parent_key(t[i].key))
						continue;
					if (!strcmp(t[i].key, "SUBSYSTEMS"))
						v = nd->subsystem;
					else if (!strcmp(t[i].key, "KERNELS"))
						v = nd->kernel;
					else if (!strcmp(t[i].key, "DRIVERS"))
						v = nd->driver;
					else
						v = kv_get(nd->attrs, t[i].attr);
					/* An attribute a node lacks never matches. */
					if (!v && !strcmp(t[i].key, "ATTRS"))
						all = false;
					else
						all = match_one(&t[i], v);
				}
				if (all) {
					ok = true;
					matched = nd;
				}
			}
		}
		if (!ok)
			continue;
		for (i = 0; i < n; i++) {
			char val[256];

			if (is_match(&t[i]))
				continue;
			substitute(t[i].value, matched, e, val, sizeof(val));
			if (!strcmp(t[i].key, "ENV")) {
				/* Match and tag only: ModemManager's properties stay as they are. */
				assert_false(!strncmp(t[i].attr, "ID_MM_", 6));
				env_set(e, t[i].attr, val);
			} else if (!strcmp(t[i].key, "TAG") && !strcmp(val, "mcmig")) {
				e->tagged = true;
			} else if (!strcmp(t[i].key, "GROUP") || !strcmp(t[i].key, "MODE")) {
				/* mcmigd's group, never wider than group read/write. */
				if (t[i].key[0] == 'G') {
					assert_string_equal(val, "mcmig");
					e->group = true;
				} else {
					assert_string_equal(val, "0660");
					e->mode = true;
				}
			} else if (!strcmp(t[i].key, "GOTO")) {
				snprintf(skip_to, sizeof(skip_to), "%s", val);
			} else if (!strcmp(t[i].key, "LABEL")) {
				continue;
			} else {
				fail_msg("%s:%u: assignment %s not allowed in match-and-tag rules",
					 RULES, lineno, t[i].key);
			}
		}
	}
	fclose(f);
	assert_string_equal(skip_to, "");
}

#define USBDEV(vid, pid)                         \
	{                                        \
		"usb", "1-1", "usb",             \
		{                                \
			{ "idVendor", vid },     \
			{                        \
				"idProduct", pid \
			}                        \
		}                                \
	}
#define USBIF(num, cls, sub, drv)                                                \
	{                                                                        \
		"usb", "1-1:1." num, drv,                                        \
		{                                                                \
			{ "bInterfaceNumber", num }, { "bInterfaceClass", cls }, \
			{                                                        \
				"bInterfaceSubClass", sub                        \
			}                                                        \
		}                                                                \
	}
#define WDM(vid, pid, num, cls, sub, drv)                                    \
	{                                                                    \
		"add", NULL,                                                 \
		{                                                            \
			{ "usbmisc", "cdc-wdm0", NULL, { { NULL, NULL } } }, \
				USBIF(num, cls, sub, drv), USBDEV(vid, pid)  \
		}                                                            \
	}

struct expect {
	const char *what;
	struct dev dev;
	const char *modem; /* NULL: not tagged as a modem */
	const char *ifnum;
};

static const struct expect modems[] = {
	{ "Quectel EC25 QMI if 4", WDM("2c7c", "0125", "04", "ff", "ff", "qmi_wwan"), "qmi", "04" },
	{ "Quectel RM500Q QMI if 4", WDM("2c7c", "0800", "04", "ff", "ff", "qmi_wwan"), "qmi",
	  "04" },
	{ "Quectel RM500Q MBIM", WDM("2c7c", "0800", "04", "02", "0e", "cdc_mbim"), "mbim", "04" },
	{ "Sierra EM7455 9071 QMI if 8", WDM("1199", "9071", "08", "ff", "ff", "qmi_wwan"), "qmi",
	  "08" },
	{ "Sierra EM7455 9071 QMI if 10", WDM("1199", "9071", "0a", "ff", "ff", "qmi_wwan"), "qmi",
	  "0a" },
	{ "Sierra EM7455 9079 MBIM if 12", WDM("1199", "9079", "0c", "02", "0e", "cdc_mbim"),
	  "mbim", "0c" },
	{ "Sierra EM7565 QMI if 8", WDM("1199", "9091", "08", "ff", "ff", "qmi_wwan"), "qmi",
	  "08" },
	{ "Sierra EM7565 MBIM if 12", WDM("1199", "9091", "0c", "02", "0e", "cdc_mbim"), "mbim",
	  "0c" },
	{ "Telit LN920 1060 QMI if 2", WDM("1bc7", "1060", "02", "ff", "ff", "qmi_wwan"), "qmi",
	  "02" },
	{ "Telit LN920 1061 MBIM", WDM("1bc7", "1061", "00", "02", "0e", "cdc_mbim"), "mbim",
	  "00" },
	{ "Fibocom L850-GL MBIM", WDM("2cb7", "0007", "00", "02", "0e", "cdc_mbim"), "mbim", "00" },
	/* Negative cases. */
	{ "EC25 on another interface", WDM("2c7c", "0125", "03", "ff", "ff", "qmi_wwan"), NULL,
	  NULL },
	{ "EM7565 if 10 (not a QMI port there)", WDM("1199", "9091", "0a", "ff", "ff", "qmi_wwan"),
	  NULL, NULL },
	{ "unknown vendor's MBIM modem", WDM("1234", "5678", "00", "02", "0e", "cdc_mbim"), NULL,
	  NULL },
	{ "EM7455 MBIM class on a QMI-only number but vendor class",
	  WDM("1199", "9071", "0c", "ff", "ff", "qmi_wwan"), NULL, NULL },
	{ "Fibocom L850-GL vendor interface", WDM("2cb7", "0007", "04", "ff", "ff", NULL), NULL,
	  NULL },
};

static void test_modems(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(modems) / sizeof(modems[0]); i++) {
		const struct expect *x = &modems[i];
		struct env e;

		run_rules(&x->dev, &e);
		print_message("%-55s -> %s %s\n", x->what, env_get(&e, "MCMIG_MODEM") ?: "-",
			      env_get(&e, "MCMIG_MODEM_IFNUM") ?: "-");
		if (x->modem) {
			assert_true(e.tagged);
			assert_non_null(env_get(&e, "MCMIG_MODEM"));
			assert_string_equal(env_get(&e, "MCMIG_MODEM"), x->modem);
			assert_string_equal(env_get(&e, "MCMIG_MODEM_IFNUM"), x->ifnum);
			assert_true(e.group);
			assert_true(e.mode);
		} else {
			assert_false(e.tagged);
			assert_null(env_get(&e, "MCMIG_MODEM"));
			assert_false(e.group);
			assert_false(e.mode);
		}
	}
}

static void test_removal_and_other_nodes(void **state)
{
	struct dev d = WDM("2c7c", "0125", "04", "ff", "ff", "qmi_wwan");
	struct dev tty = WDM("2c7c", "0125", "04", "ff", "ff", "qmi_wwan");
	struct env e;

	d.action = "remove";
	run_rules(&d, &e);
	assert_false(e.tagged);
	assert_false(e.group);
	tty.nodes[0].subsystem = "tty";
	tty.nodes[0].kernel = "ttyUSB2";
	run_rules(&tty, &e);
	assert_false(e.tagged);
	assert_null(env_get(&e, "MCMIG_MODEM"));
	/* The modem's AT port is ModemManager's: it keeps its permissions. */
	assert_false(e.group);
	assert_false(e.mode);
}

static void test_readers(void **state)
{
	const struct dev ccid = {
		"add",
		"usb_interface",
		{ { "usb", "1-2:1.0", "usb", { { "bInterfaceClass", "0b" } } },
		  USBDEV("076b", "3021") },
	};
	const struct dev hid = {
		"add",
		"usb_interface",
		{ { "usb", "1-2:1.0", "usbhid", { { "bInterfaceClass", "03" } } },
		  USBDEV("076b", "3021") },
	};
	const struct dev whole = {
		"add",
		"usb_device",
		{ { "usb", "1-2", "usb", { { "bDeviceClass", "0b" } } } },
	};
	struct env e;

	run_rules(&ccid, &e);
	assert_true(e.tagged);
	assert_string_equal(env_get(&e, "MCMIG_READER"), "ccid");
	/* The reader is pcscd's: mcmigd reaches it through pcscd's socket. */
	assert_false(e.group);
	assert_false(e.mode);
	run_rules(&hid, &e);
	assert_false(e.tagged);
	run_rules(&whole, &e);
	assert_false(e.tagged);
}

static void test_pattern(void **state)
{
	assert_true(pattern_match("08|0a", "0a"));
	assert_false(pattern_match("08|0a", "0c"));
	assert_true(pattern_match("?*", "x"));
	assert_false(pattern_match("?*", ""));
	assert_true(pattern_match("cdc-wdm[0-9]*", "cdc-wdm12"));
	assert_false(pattern_match("cdc-wdm[0-9]*", "cdc-wdmx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_modems),
		cmocka_unit_test(test_removal_and_other_nodes),
		cmocka_unit_test(test_readers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
