// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 3680 reginfo bodies as S-CSCFs send them: Kamailio 5.6
 * ims_registrar_scscf's partial and full documents (tab-indented, pointer
 * ids), several contacts, another user's contact, hostile and truncated ones.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reginfo.h"

#define IMPU "sip:mig-1@ims.partner.example"

/* Kamailio 5.6 after a Cx RTR: our contact terminated, event unregistered. */
static const char kamailio_partial[] =
	"<?xml version=\"1.0\"?>\n"
	"<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"1\" state=\"partial\">\n"
	"\t<registration aor=\"" IMPU "\" id=\"0x7f3a2c1b40\" state=\"terminated\">\n"
	"\t\t<contact id=\"0x7f3a2c1d88\" state=\"terminated\" event=\"unregistered\" "
	"expires=\"0\">\n"
	"\t\t\t<uri>sip:10.45.0.2:5060</uri>\n"
	"\t\t</contact>\n"
	"\t</registration>\n"
	"</reginfo>\n";

/*
 * Captured from the bench's Kamailio 5.6.3 S-CSCF (tests/integration/sipcore.sh,
 * reg-notify-N.xml), its NOTIFYs before and after a Cx RTR: full state each
 * time; after the RTR the registration is terminated and lists no contact.
 */
static const char captured_active[] =
	"<?xml version=\"1.0\"?>\n"
	"<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"2\" state=\"full\">\n"
	"\t<registration aor=\"sip:mcmig-0d6e5b2c75a9aa84@ims.partner.example\" "
	"id=\"0x7fb5bed2e998\" state=\"active\">\n"
	"\t\t<contact id=\"0x7fb5bed37238\" state=\"active\" event=\"registered\" "
	"expires=\"595\" q=\"0.000\">\n"
	"\t\t\t<uri>sip:ue@198.51.100.2:5070;transport=UDP</uri>\n"
	"\t\t</contact>\n"
	"\t\t<contact id=\"0x7fb5bed50fa8\" state=\"active\" event=\"registered\" "
	"expires=\"589\" q=\"0.000\">\n"
	"\t\t\t<uri>sip:ue@198.51.100.2:5070;transport=TCP</uri>\n"
	"\t\t</contact>\n"
	"\t</registration>\n"
	"</reginfo>\n";
static const char captured_after_rtr[] =
	"<?xml version=\"1.0\"?>\n"
	"<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"3\" state=\"full\">\n"
	"\t<registration aor=\"sip:mcmig-0d6e5b2c75a9aa84@ims.partner.example\" "
	"id=\"0x7fb5bed2e998\" state=\"terminated\">\n"
	"\t</registration>\n"
	"</reginfo>\n";

/* The first NOTIFY of a subscription: full state, two contacts of ours, one another IMPU's. */
static const char full_doc[] =
	"<?xml version=\"1.0\"?>\n"
	"<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"0\" state=\"full\">\n"
	"\t<registration aor=\"" IMPU "\" id=\"0x7f3a2c1b40\" state=\"active\">\n"
	"\t\t<contact id=\"0x7f3a2c1d88\" state=\"active\" event=\"registered\" "
	"expires=\"3599\">\n"
	"\t\t\t<uri>sip:10.45.0.2:5060</uri>\n"
	"\t\t</contact>\n"
	"\t\t<contact id=\"0x7f3a2c1e10\" state=\"active\" event=\"registered\" "
	"expires=\"1200\" q=\"0.500\">\n"
	"\t\t\t<uri>sip:10.45.0.9:5070;transport=tcp</uri>\n"
	"\t\t</contact>\n"
	"\t</registration>\n"
	"\t<registration aor=\"sip:mig-2@ims.partner.example\" id=\"0x7f3a2c2000\" "
	"state=\"active\">\n"
	"\t\t<contact id=\"0x7f3a2c2100\" state=\"terminated\" event=\"rejected\" "
	"expires=\"0\">\n"
	"\t\t\t<uri>sip:10.45.0.2:5060</uri>\n"
	"\t\t</contact>\n"
	"\t</registration>\n"
	"</reginfo>\n";

static int parse(const char *doc, struct reginfo *ri, const char **err)
{
	return reginfo_parse((const uint8_t *)doc, strlen(doc), ri, err);
}

/* @doc with the first @from replaced by @to (caller frees). */
static char *replace(const char *doc, const char *from, const char *to)
{
	const char *p = strstr(doc, from);
	size_t head;
	char *out;

	assert_non_null(p);
	head = (size_t)(p - doc);
	out = malloc(strlen(doc) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, doc, head);
	strcpy(out + head, to);
	strcat(out, p + strlen(from));
	return out;
}

static enum reginfo_verdict verdict(const char *doc, const char *host, unsigned int port,
				    enum reginfo_event *ev, long *expires)
{
	struct reginfo ri;
	const char *err = NULL;

	assert_int_equal(parse(doc, &ri, &err), 0);
	return reginfo_own_contact(&ri, IMPU, host, port, ev, expires);
}

/* Kamailio 5.6 after a Cx RTR: our registration terminated, no contact listed. */
static void test_captured_rtr(void **state)
{
	static const char aor[] = "sip:mcmig-0d6e5b2c75a9aa84@ims.partner.example";
	struct reginfo ri;
	const char *err = NULL;
	enum reginfo_event ev = REGINFO_EV_REGISTERED;
	long expires = -1;

	assert_int_equal(parse(captured_active, &ri, &err), 0);
	assert_int_equal(ri.version, 2);
	assert_int_equal(reginfo_own_contact(&ri, aor, "198.51.100.2", 5070, &ev, &expires),
			 REGINFO_NOTHING);
	assert_int_equal(parse(captured_after_rtr, &ri, &err), 0);
	assert_int_equal(ri.version, 3);
	assert_int_equal(ri.state, REGINFO_FULL);
	assert_int_equal(ri.reg[0].state, REGINFO_REG_TERMINATED);
	assert_int_equal(ri.reg[0].n_contacts, 0);
	assert_int_equal(reginfo_own_contact(&ri, aor, "198.51.100.2", 5070, &ev, &expires),
			 REGINFO_ENDED);
	assert_int_equal(ev, REGINFO_EV_UNREGISTERED);
	/* Someone else's registration terminated: not ours. */
	assert_int_equal(reginfo_own_contact(&ri, "sip:mcmig-1@ims.partner.example", "198.51.100.2",
					     5070, &ev, &expires),
			 REGINFO_NOTHING);
}

static void test_kamailio_partial(void **state)
{
	struct reginfo ri;
	const char *err = NULL;
	enum reginfo_event ev;
	long expires;

	assert_int_equal(parse(kamailio_partial, &ri, &err), 0);
	assert_int_equal(ri.version, 1);
	assert_int_equal(ri.state, REGINFO_PARTIAL);
	assert_int_equal(ri.n_regs, 1);
	assert_string_equal(ri.reg[0].aor, IMPU);
	assert_int_equal(ri.reg[0].state, REGINFO_REG_TERMINATED);
	assert_int_equal(ri.reg[0].n_contacts, 1);
	assert_string_equal(ri.reg[0].contact[0].uri, "sip:10.45.0.2:5060");
	assert_int_equal(ri.reg[0].contact[0].state, REGINFO_CONTACT_TERMINATED);
	assert_int_equal(ri.reg[0].contact[0].event, REGINFO_EV_UNREGISTERED);
	assert_int_equal(ri.reg[0].contact[0].expires, 0);
	assert_int_equal(reginfo_own_contact(&ri, IMPU, "10.45.0.2", 5060, &ev, &expires),
			 REGINFO_ENDED);
	assert_int_equal(ev, REGINFO_EV_UNREGISTERED);
	assert_string_equal(reginfo_event_str(ev), "unregistered");
}

static void test_full_several_contacts(void **state)
{
	struct reginfo ri;
	const char *err = NULL;
	enum reginfo_event ev;
	long expires;

	assert_int_equal(parse(full_doc, &ri, &err), 0);
	assert_int_equal(ri.version, 0);
	assert_int_equal(ri.state, REGINFO_FULL);
	assert_int_equal(ri.n_regs, 2);
	assert_int_equal(ri.reg[0].n_contacts, 2);
	assert_string_equal(ri.reg[0].contact[1].uri, "sip:10.45.0.9:5070;transport=tcp");
	assert_int_equal(ri.reg[0].contact[1].expires, 1200);
	assert_int_equal(ri.reg[1].contact[0].event, REGINFO_EV_REJECTED);
	/* Our contact active; the other user's terminated contact at our address is not ours. */
	assert_int_equal(reginfo_own_contact(&ri, IMPU, "10.45.0.2", 5060, &ev, &expires),
			 REGINFO_NOTHING);
	/* Another contact of the same IMPU: matched by port and host, not by user or params. */
	assert_int_equal(reginfo_own_contact(&ri, IMPU, "10.45.0.9", 5070, &ev, &expires),
			 REGINFO_NOTHING);
	assert_int_equal(expires, 1200);
	/* The other user's document says nothing about us. */
	assert_int_equal(reginfo_own_contact(&ri, "sip:mig-2@ims.partner.example", "10.45.0.2",
					     5060, &ev, &expires),
			 REGINFO_ENDED);
	assert_int_equal(ev, REGINFO_EV_REJECTED);
}

static void test_another_contact_terminated(void **state)
{
	enum reginfo_event ev;
	long expires;
	char *doc = replace(kamailio_partial, "sip:10.45.0.2:5060", "sip:10.45.0.2:5062");

	/* Same host, another port: another UE's (or an older) binding. */
	assert_int_equal(verdict(doc, "10.45.0.2", 5060, &ev, &expires), REGINFO_NOTHING);
	assert_int_equal(verdict(doc, "10.45.0.2", 5062, &ev, &expires), REGINFO_ENDED);
	free(doc);
	doc = replace(kamailio_partial, IMPU "\"", "sip:mig-2@ims.partner.example\"");
	assert_int_equal(verdict(doc, "10.45.0.2", 5060, &ev, &expires), REGINFO_NOTHING);
	free(doc);
}

static void test_events(void **state)
{
	static const struct {
		const char *state, *event;
		enum reginfo_verdict v;
	} t[] = {
		{ "terminated", "unregistered", REGINFO_ENDED },
		{ "terminated", "rejected", REGINFO_ENDED },
		{ "terminated", "expired", REGINFO_ENDED },
		{ "terminated", "deactivated", REGINFO_REREGISTER },
		{ "active", "shortened", REGINFO_SHORTENED },
		{ "active", "refreshed", REGINFO_NOTHING },
		{ "active", "registered", REGINFO_NOTHING },
	};
	char attrs[128];
	enum reginfo_event ev;
	long expires;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *doc;

		snprintf(attrs, sizeof(attrs), "state=\"%s\" event=\"%s\" expires=\"30\"",
			 t[i].state, t[i].event);
		doc = replace(kamailio_partial,
			      "state=\"terminated\" event=\"unregistered\" expires=\"0\"", attrs);
		assert_int_equal(verdict(doc, "10.45.0.2", 5060, &ev, &expires), t[i].v);
		assert_string_equal(reginfo_event_str(ev), t[i].event);
		assert_int_equal(expires, 30);
		free(doc);
	}
}

static void test_ipv6_contact(void **state)
{
	enum reginfo_event ev;
	long expires;
	char *doc = replace(kamailio_partial, "sip:10.45.0.2:5060", "sip:[2001:db8::2]:5060");

	assert_int_equal(verdict(doc, "2001:db8::2", 5060, &ev, &expires), REGINFO_ENDED);
	assert_int_equal(verdict(doc, "2001:db8::", 5060, &ev, &expires), REGINFO_NOTHING);
	free(doc);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *from, *to, *why;
		int ret;
	} t[] = {
		{ "urn:ietf:params:xml:ns:reginfo", "urn:example:other", "root is not reginfo",
		  -EBADMSG },
		{ "version=\"1\"", "version=\"-1\"", "reginfo version", -EBADMSG },
		{ "version=\"1\"", "version=\"4294967296\"", "reginfo version", -EBADMSG },
		{ "version=\"1\"", "", "reginfo version", -EBADMSG },
		{ "state=\"partial\"", "state=\"half\"", "reginfo state", -EBADMSG },
		{ " aor=\"" IMPU "\"", "", "registration without aor", -EBADMSG },
		{ "id=\"0x7f3a2c1b40\" state=\"terminated\"", "id=\"0x7f3a2c1b40\" state=\"gone\"",
		  "registration state", -EBADMSG },
		{ "state=\"terminated\" event", "state=\"pending\" event", "contact state",
		  -EBADMSG },
		{ "event=\"unregistered\"", "event=\"revoked\"", "contact event", -EBADMSG },
		{ "expires=\"0\"", "expires=\"soon\"", "contact expires", -EBADMSG },
		{ "<uri>sip:10.45.0.2:5060</uri>", "", "contact without uri", -EBADMSG },
		{ "<uri>sip:10.45.0.2:5060</uri>", "<uri> </uri>", "contact uri empty", -EBADMSG },
		{ "</contact>", "</contakt>", "not well-formed", -EBADMSG },
		{ "<?xml version=\"1.0\"?>\n",
		  "<?xml version=\"1.0\"?>\n<!DOCTYPE reginfo [<!ENTITY x \"y\">]>\n", "DTD",
		  -EBADMSG },
	};
	struct reginfo ri;
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *doc = replace(kamailio_partial, t[i].from, t[i].to);

		err = NULL;
		assert_int_equal(parse(doc, &ri, &err), t[i].ret);
		assert_non_null(err);
		if (!strstr(err, t[i].why))
			fail_msg("case %zu: '%s' does not name '%s'", i, err, t[i].why);
		free(doc);
	}
}

static void test_limits(void **state)
{
	struct reginfo ri;
	const char *err = NULL;
	char uri[REGINFO_URI_MAX + 16];
	char *big, *doc;
	size_t i;

	memset(uri, 'a', sizeof(uri) - 1);
	uri[sizeof(uri) - 1] = '\0';
	memcpy(uri, "sip:", 4);
	doc = replace(kamailio_partial, "sip:10.45.0.2:5060", uri);
	assert_int_equal(parse(doc, &ri, &err), -E2BIG);
	assert_string_equal(err, "contact uri too long");
	free(doc);

	/* One contact more than we keep. */
	big = strdup(kamailio_partial);
	for (i = 0; i < REGINFO_MAX_CONTACTS; i++) {
		doc = replace(big, "\t</registration>",
			      "\t\t<contact state=\"active\" event=\"registered\">"
			      "<uri>sip:x</uri></contact>\n\t</registration>");
		free(big);
		big = doc;
	}
	assert_int_equal(parse(big, &ri, &err), -E2BIG);
	assert_string_equal(err, "too many contacts in a registration");
	free(big);

	big = calloc(1, REGINFO_MAX_DOC + 2);
	assert_non_null(big);
	memset(big, ' ', REGINFO_MAX_DOC + 1);
	memcpy(big, kamailio_partial, strlen(kamailio_partial));
	assert_int_equal(reginfo_parse((const uint8_t *)big, REGINFO_MAX_DOC + 1, &ri, &err),
			 -E2BIG);
	free(big);
	assert_int_equal(reginfo_parse((const uint8_t *)"", 0, &ri, &err), -EBADMSG);
}

/* Every truncated length is refused: a NOTIFY body cut short never ends a registration. */
static void test_truncated(void **state)
{
	const char *docs[] = { kamailio_partial, full_doc };
	struct reginfo ri;
	const char *err;
	size_t d, n, end;

	for (d = 0; d < 2; d++) {
		/* Up to the last '>': only the trailing newline may go. */
		end = (size_t)(strrchr(docs[d], '>') - docs[d]);
		for (n = 0; n <= end; n++) {
			err = NULL;
			if (reginfo_parse((const uint8_t *)docs[d], n, &ri, &err) != -EBADMSG)
				fail_msg("doc %zu truncated to %zu bytes accepted", d, n);
			assert_non_null(err);
		}
		assert_int_equal(reginfo_parse((const uint8_t *)docs[d], end + 1, &ri, &err), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kamailio_partial),
		cmocka_unit_test(test_captured_rtr),
		cmocka_unit_test(test_full_several_contacts),
		cmocka_unit_test(test_another_contact_terminated),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_ipv6_contact),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
