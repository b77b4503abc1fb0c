/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A partner access token provisioned as a file (0600), behind the IdM seam
 * of the migration (struct migrate_idm_ops): the token that the IdM client
 * (TS 33.180 B.7: token exchange, then the partner's token endpoint) would
 * otherwise fetch, for devices and benches where it is provisioned another
 * way. Read afresh at every request, so that a renewed file is used at
 * once; the copy handed over is wiped after the callback.
 */
#ifndef MCMIG_TOKEN_FILE_H
#define MCMIG_TOKEN_FILE_H

#include "migrate.h"

struct token_file;

/* @client_id: the <mcptt-client-id> to publish with the token. 0 or -EINVAL/-ENOMEM. */
int token_file_new(struct token_file **tf, const char *path, const char *client_id);
void token_file_free(struct token_file *tf);

/* ctx = the struct token_file. */
extern const struct migrate_idm_ops token_file_idm_ops;

#endif
