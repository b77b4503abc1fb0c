// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "bearer-file.h"
#include "token-file.h"
#include "util.h"

struct token_file {
	char *path;
	char client_id[IDM_CLIENT_ID_MAX];
	guint idle;
	void (*done)(int err, const char *reason, const struct idm_token *tok, void *ud);
	void *ud;
};

int token_file_new(struct token_file **out, const char *path, const char *client_id)
{
	struct token_file *tf;

	if (!path || !*path || !client_id || !*client_id)
		return -EINVAL;
	tf = g_new0(struct token_file, 1);
	tf->path = g_strdup(path);
	if (util_strlcpy(tf->client_id, client_id, sizeof(tf->client_id)) < 0) {
		token_file_free(tf);
		return -EINVAL;
	}
	*out = tf;
	return 0;
}

void token_file_free(struct token_file *tf)
{
	if (!tf)
		return;
	if (tf->idle)
		g_source_remove(tf->idle);
	g_free(tf->path);
	g_free(tf);
}

static gboolean on_read_idle(gpointer data)
{
	struct token_file *tf = data;
	struct idm_token *tok = g_new0(struct idm_token, 1);
	char reason[256];
	int ret;

	tf->idle = 0;
	ret = bearer_file_read(tf->path, tok->access_token, sizeof(tok->access_token), reason,
			       sizeof(reason));
	memcpy(tok->client_id, tf->client_id, sizeof(tok->client_id));
	/* Opaque (RFC 6750): its expiry is the MC server's to check. */
	tok->expires_at = 0;
	tf->done(ret < 0 ? ret : 0, ret < 0 ? reason : NULL, ret < 0 ? NULL : tok, tf->ud);
	util_wipe(tok, sizeof(*tok));
	g_free(tok);
	return G_SOURCE_REMOVE;
}

static int tf_partner_token(void *ctx, const struct partner_config *pc,
			    void (*done)(int err, const char *reason, const struct idm_token *tok,
					 void *ud),
			    void *ud)
{
	struct token_file *tf = ctx;

	if (tf->idle)
		return -EBUSY;
	tf->done = done;
	tf->ud = ud;
	/* Never from inside the call (style.md item 5). */
	tf->idle = g_idle_add(on_read_idle, tf);
	return 0;
}

static void tf_cancel(void *ctx)
{
	struct token_file *tf = ctx;

	if (tf->idle)
		g_source_remove(tf->idle);
	tf->idle = 0;
}

const struct migrate_idm_ops token_file_idm_ops = { tf_partner_token, tf_cancel };
