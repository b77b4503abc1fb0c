/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The partner configuration store (seed NOTE 3 and NOTE 4): one record per
 * partner under <state dir>/partners/<encoded id>.xml, mode 0600, written
 * atomically (temporary file, fsync, rename, fsync of the directory) so that
 * a crash at any point leaves the old or the new record, never a torn one.
 *
 * NOTE 3: the primary's configuration is never written here; it lives in its
 * own file outside the store (mcmig.conf), and no store call can name a path
 * outside <state dir>. NOTE 4: records survive reboots and carry their
 * validity; an expired record is never handed out.
 *
 * Blocking file I/O of a few KiB on local storage, bounded; called from the
 * main loop only on migration steps.
 */
#ifndef MCMIG_STORE_H
#define MCMIG_STORE_H

#include <stddef.h>
#include <time.h>

#include "cmc-xml.h"

struct store;

/* The steps of an atomic write, for fault injection in tests. */
enum store_step {
	STORE_STEP_OPEN_TEMP,
	STORE_STEP_WRITE_FIRST_HALF,
	STORE_STEP_WRITE_SECOND_HALF,
	STORE_STEP_FSYNC_FILE,
	STORE_STEP_CLOSE,
	STORE_STEP_RENAME,
	STORE_STEP_FSYNC_DIR,
	STORE_STEP_DONE,
};

/* Called before each step; tests _exit() there to simulate a crash. */
typedef void (*store_step_hook)(enum store_step step, void *user_data);

/* Reports a record that was skipped: its file name and why. */
typedef void (*store_report_fn)(const char *file, int err, const char *why, void *user_data);

/*
 * Opens (creating, mode 0700) @dir and @dir/partners; leftover temporary
 * files of an interrupted write are removed.
 */
int store_open(struct store **st, const char *dir, char *err, size_t err_len);
/*
 * Opens an existing store to read beside the daemon that owns it (mcmigctl
 * check): nothing is created or removed; writes fail with -EROFS.
 */
int store_open_reader(struct store **st, const char *dir, char *err, size_t err_len);
void store_close(struct store *st);
void store_set_step_hook(struct store *st, store_step_hook hook, void *user_data);

/* Writes @cfg's record, replacing the one of the same partner. */
int store_put(struct store *st, const struct partner_config *cfg);

/*
 * Reads the record of @partner_id. -ENOENT (none), -ESTALE (expired at
 * @now: @why says when), -EBADMSG/-ENOMSG/-EINVAL (corrupt: @why says what).
 */
int store_get(struct store *st, const char *partner_id, time_t now, struct partner_config *cfg,
	      char *why, size_t why_len);

int store_remove(struct store *st, const char *partner_id);

/*
 * Loads every valid record (at most @max) in file name order; corrupt and
 * expired ones are reported through @report by file name and skipped.
 */
int store_load_all(struct store *st, time_t now, struct partner_config *out, size_t max, size_t *n,
		   store_report_fn report, void *user_data);

/*
 * How long a small file must last. STORE_DURABLE: a power loss too (fsync of
 * the file, then of the directory: two waits on the storage). STORE_PROCESS:
 * this process's death only (temporary file and rename, no fsync: the page
 * cache outlives a SIGKILL), for what a reboot makes moot anyway, so that the
 * main loop does not wait on the storage for it.
 */
enum store_durability {
	STORE_DURABLE,
	STORE_PROCESS,
};

/*
 * A small named file directly in the state dir (e.g. the migration state),
 * written with the same atomic sequence. @name: [a-z0-9.-] only.
 */
int store_put_file(struct store *st, const char *name, const void *data, size_t len,
		   enum store_durability dur);
/* Reads it into *@data (malloc'd, NUL-terminated), at most 64 KiB; -ENOENT if absent. */
int store_get_file(struct store *st, const char *name, char **data, size_t *len);

/* The record's file name for @partner_id ("<encoded>.xml"); -ENAMETOOLONG, -EINVAL. */
int store_record_name(const char *partner_id, char *out, size_t size);

#endif
