/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mcmig-cms HTTPS servers (libmicrohttpd with GnuTLS, one thread per
 * connection): the UE-facing listener of the primary (steps 1-13), the
 * CMS-to-CMS listener of the partner (steps 8-12) and the loopback admin
 * listener of both (bindings, revocation 6.Y.3).
 */
#ifndef MCMIG_CMS_SERVER_H
#define MCMIG_CMS_SERVER_H

#include "cms-config.h"
#include "cms-sipdb.h"

struct cms_server;

/* Takes neither @cfg nor @sipdb (both must outlive the server). */
int cms_server_start(const struct cms_config *cfg, const struct cms_sipdb_ops *sipdb,
		     struct cms_server **out, char **why);
void cms_server_stop(struct cms_server *s);

void cms_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
