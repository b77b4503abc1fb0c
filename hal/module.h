/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loadable modules: a program maps a backend's libraries only when its
 * configuration names that backend (as ModemManager loads its plugins). A
 * module is a shared object in the module directory that exports one const
 * ops struct; nothing else is visible (a linker version script per module).
 */
#ifndef MCMIG_MODULE_H
#define MCMIG_MODULE_H

#include <stddef.h>

#define MODULE_ERR_MAX 512

/*
 * Maps @dir/@file and returns the address of its @symbol in *@sym. 0, or
 * -ENOENT (no such file, or no @symbol in it) / -ENOEXEC (not loadable) with
 * @err naming the file and saying dlerror()'s reason. *@handle is set on
 * success only; module_unload() it when done.
 */
int module_load(const char *dir, const char *file, const char *symbol, void **handle,
		const void **sym, char *err, size_t err_len);
/* NULL accepted. */
void module_unload(void *handle);

#endif
