/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registration state document of the reg event package (RFC 3680
 * application/reginfo+xml), as an S-CSCF sends it in NOTIFY (TS 24.229
 * 5.1.1.3, 5.1.1.7): registrations (aor, state) and their contacts (uri,
 * state, event, expires). Pure: parses bytes with libxml2, no I/O, no globals.
 * Errors come with a static text naming what was wrong.
 */
#ifndef MCMIG_REGINFO_H
#define MCMIG_REGINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGINFO_MAX_DOC	     16384 /* Kamailio's own bound on a reginfo body */
#define REGINFO_MAX_REGS     8
#define REGINFO_MAX_CONTACTS 8 /* per registration */
#define REGINFO_URI_MAX	     256

enum reginfo_doc_state {
	REGINFO_FULL,
	REGINFO_PARTIAL,
};

/* RFC 3680 5.3: registration state. */
enum reginfo_reg_state {
	REGINFO_REG_INIT,
	REGINFO_REG_ACTIVE,
	REGINFO_REG_TERMINATED,
};

/* RFC 3680 5.3: contact state; "pending" is not used by TS 24.229. */
enum reginfo_contact_state {
	REGINFO_CONTACT_ACTIVE,
	REGINFO_CONTACT_TERMINATED,
};

/* RFC 3680 5.3: the event that brought the contact into its state. */
enum reginfo_event {
	REGINFO_EV_REGISTERED,
	REGINFO_EV_CREATED,
	REGINFO_EV_REFRESHED,
	REGINFO_EV_SHORTENED,
	REGINFO_EV_EXPIRED,
	REGINFO_EV_DEACTIVATED,
	REGINFO_EV_PROBATION,
	REGINFO_EV_UNREGISTERED,
	REGINFO_EV_REJECTED,
};

struct reginfo_contact {
	char uri[REGINFO_URI_MAX];
	enum reginfo_contact_state state;
	enum reginfo_event event;
	long expires; /* -1 when absent */
};

struct reginfo_registration {
	char aor[REGINFO_URI_MAX];
	enum reginfo_reg_state state;
	struct reginfo_contact contact[REGINFO_MAX_CONTACTS];
	size_t n_contacts;
};

struct reginfo {
	uint32_t version;
	enum reginfo_doc_state state;
	struct reginfo_registration reg[REGINFO_MAX_REGS];
	size_t n_regs;
};

/*
 * Parses a reginfo document. Returns 0; -EBADMSG (not well-formed, a DTD,
 * wrong namespace or root, a missing or unknown attribute value) or -E2BIG
 * (over REGINFO_MAX_DOC, too many registrations or contacts, a URI too long),
 * with *@err set.
 */
int reginfo_parse(const uint8_t *buf, size_t len, struct reginfo *ri, const char **err);

/* What a reginfo says about our own binding (TS 24.229 5.1.1.7). */
enum reginfo_verdict {
	REGINFO_NOTHING,    /* not about us, or we are still active */
	REGINFO_ENDED,	    /* terminated: expired, unregistered, rejected (no re-registration) */
	REGINFO_REREGISTER, /* terminated: deactivated (a new initial registration) */
	REGINFO_SHORTENED,  /* active, shortened: refresh by the new expires */
};

/*
 * Looks for our contact in @ri: the registration whose aor is @impu and the
 * contact whose URI has host @host and port @port (the Contact we
 * registered; the user part and parameters are not compared). Sets *@ev to
 * the contact's event and *@expires to its expires (-1 when absent) for
 * every verdict but REGINFO_NOTHING.
 */
enum reginfo_verdict reginfo_own_contact(const struct reginfo *ri, const char *impu,
					 const char *host, unsigned int port,
					 enum reginfo_event *ev, long *expires);

const char *reginfo_event_str(enum reginfo_event e);

#endif
