// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backend lookup: each modem backend is a module of its own
 * (MODULEDIR/modem-NAME.so, exporting modem_NAME_ops), loaded by the name the
 * board or mcmig.conf gives, so that a board maps only its own backend's
 * libraries (libmm-glib never on a QMI board). A module loaded stays until
 * exit: libqmi-glib, libmbim-glib and libmm-glib register GObject types,
 * which GLib never unregisters (its docs on g_type_register_static()), so
 * unmapping them would leave the type system pointing into nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "modem.h"
#include "module.h"

int modem_ops_load(const char *dir, const char *name, const struct modem_ops **ops, char *err,
		   size_t err_len)
{
	char file[32], symbol[32];
	const void *sym;
	void *h;
	int ret;

	/* The name becomes part of a path: letters only ("qmi", "mbim", "mm"). */
	if (!name || !name[0] || strspn(name, "abcdefghijklmnopqrstuvwxyz") != strlen(name) ||
	    strlen(name) > 16) {
		snprintf(err, err_len, "modem backend \"%s\": not a backend name",
			 name ? name : "");
		return -EINVAL;
	}
	snprintf(file, sizeof(file), "modem-%s.so", name);
	snprintf(symbol, sizeof(symbol), "modem_%s_ops", name);
	ret = module_load(dir, file, symbol, &h, &sym, err, err_len);
	if (ret < 0)
		return ret;
	*ops = sym;
	if (!(*ops)->name || strcmp((*ops)->name, name) != 0) {
		snprintf(err, err_len, "module %s/%s is backend \"%s\", not \"%s\"", dir, file,
			 (*ops)->name ? (*ops)->name : "", name);
		module_unload(h);
		return -ENOEXEC;
	}
	return 0;
}
