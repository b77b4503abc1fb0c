/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shc — Sh client of the bench SIP databases (mcmig-sipdb), for the
 * configuration management servers (seed steps 4-6, 9-11 and revocation).
 *
 * Transport: Diameter Sh (TS 29.328/29.329, application 16777217) over TCP
 * without TLS, on freeDiameter. The seed's "Data Pull (DPR/DPA)" on Sh is
 * Sh-Pull, i.e. UDR/UDA in stage 3; no specification defines migration-
 * identity allocation, so it is carried as Sh repository data (TS 29.328):
 *
 *   get outbound (primary)  UDR  User-Identity/Public-Identity = user's IMPU,
 *                                [User-Name = user's IMPI], Data-Reference =
 *                                RepositoryData (0), Service-Indication =
 *                                "urn:mcmig:sh:outbound"
 *   get inbound (partner)   UDR  Public-Identity = outbound IMPU, User-Name =
 *                                outbound IMPI, Service-Indication =
 *                                "urn:mcmig:sh:inbound:<primary SIP DB
 *                                Diameter identity>"
 *   revoke (primary)        PUR  Public-Identity = user's IMPU, Service-
 *                                Indication "urn:mcmig:sh:outbound", User-Data
 *                                = Sh-Data/RepositoryData without ServiceData:
 *                                TS 29.328 6.1.3 "delete the repository data"
 *   revoke inbound (partner) PUR Public-Identity = outbound IMPU, User-Name =
 *                                outbound IMPI, Service-Indication "urn:mcmig:
 *                                sh:inbound:<primary SIP DB>", User-Data as
 *                                above; the partner SIP DB then sends the
 *                                S-CSCF holding the registration an RTR
 *                                (TS 29.228 6.1.3). Already gone is success.
 *
 * The UDA's User-Data is an Sh-Data document whose RepositoryData/ServiceData
 * holds <Migration xmlns="urn:mcmig:sh:1"> with IMPI, IMPU and the SIP DB
 * (host, realm) that owns the identities. Allocation is idempotent: asking
 * again for the same user returns the same binding until it is revoked.
 *
 * Threading: freeDiameter runs one core per process, so this is a process
 * singleton. shc_start() once; then the request calls may be made from any
 * thread, concurrently; each blocks the calling thread for at most
 * @timeout_ms (never the caller's event loop if called from a worker).
 * Every call returns 0 or a negative errno:
 *   -ETIMEDOUT  no answer within the bound
 *   -ENOTCONN   the SIP DB peer is not connected (or unable to deliver)
 *   -ENOENT     user unknown (DIAMETER_ERROR_USER_UNKNOWN 5001)
 *   -EACCES     operation not allowed (5101: unknown primary, unknown
 *               Service-Indication; 5003: this peer may not use Sh)
 *   -ENOSPC     identity pool exhausted (DIAMETER_OUT_OF_SPACE 4002)
 *   -EPROTO     any other failure answer or a malformed answer
 *   -EINVAL     bad arguments; -EALREADY shc_start() twice
 */
#ifndef MCMIG_BENCH_SHC_H
#define MCMIG_BENCH_SHC_H

#include <stdint.h>

#define SHC_ID_MAX 256

struct shc_params {
	const char *identity;	/* our Diameter identity, e.g. cms.primary.example */
	const char *realm;	/* our realm, e.g. primary.example */
	const char *peer;	/* SIP DB identity, e.g. hss.primary.example */
	const char *peer_realm; /* its realm, e.g. primary.example */
	const char *peer_addr;	/* its IPv4 address, e.g. 127.0.0.1 */
	uint16_t peer_port;	/* 0: 3868 */
	/* freeDiameter always listens: we bind only 127.0.0.1:local_port
	 * (0: 3869). Pick a port no SIP DB of the namespace uses. */
	uint16_t local_port;
	const char *work_dir; /* private dir for a transient conf; NULL: /tmp */
	int debug;	      /* 0: quiet; else a freeDiameter log level (1 = most) */
};

struct shc_identity {
	char impi[SHC_ID_MAX];
	char impu[SHC_ID_MAX];
	char sipdb_host[SHC_ID_MAX]; /* Diameter identity of the owning SIP DB */
	char sipdb_realm[SHC_ID_MAX];
};

/* Starts freeDiameter and waits up to @timeout_ms for the SIP DB peer.
 * -ETIMEDOUT leaves the client running: it redials every 5 s (Tc) and the
 * request calls work once the peer is up (-ENOTCONN until then). */
int shc_start(const struct shc_params *p, unsigned int timeout_ms);
/* Stops freeDiameter (disconnects cleanly). Safe if not started. */
/* Says goodbye to the SIP DB (DPR, bounded by 3 s); the process must exit
 * afterwards (freeDiameter's threads are not joined: see shc.c). */
void shc_stop(void);

/* Seed steps 4-6: outbound identities for the user (IMPU, optional IMPI). */
int shc_outbound_get(const char *impu, const char *impi, unsigned int timeout_ms,
		     struct shc_identity *outbound);
/* Seed steps 9-11: inbound identities bound to @outbound (as returned by the
 * primary SIP DB: its sipdb_host names the primary SIP DB). */
int shc_inbound_get(const struct shc_identity *outbound, unsigned int timeout_ms,
		    struct shc_identity *inbound);
/* Revocation (6.Y.3): drops the user's outbound binding at the primary. */
int shc_outbound_revoke(const char *impu, unsigned int timeout_ms);
/* Revocation reaching the partner: drops the inbound binding of @outbound
 * (its sipdb_host names the primary SIP DB) and ends its registration. */
int shc_inbound_revoke(const struct shc_identity *outbound, unsigned int timeout_ms);

#endif
