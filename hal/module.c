// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlopen() of one module from the module directory (hal/module.h). RTLD_NOW:
 * a module with a missing symbol fails here, with the linker's reason, not
 * at its first call; RTLD_LOCAL: one backend's libraries never satisfy
 * another's symbols.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "module.h"

int module_load(const char *dir, const char *file, const char *symbol, void **handle,
		const void **sym, char *err, size_t err_len)
{
	char path[PATH_MAX];
	struct stat sb;
	const char *why;
	void *h, *s;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
		snprintf(err, err_len, "module %s: directory name too long: %s", file, dir);
		return -ENAMETOOLONG;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		snprintf(err, err_len, "cannot load module %s: %s", path, why ? why : "unknown");
		/* A file that is there but is no module for us is another fault
		 * than a missing one (wrong architecture, missing library). */
		return stat(path, &sb) == 0 ? -ENOEXEC : -ENOENT;
	}
	dlerror();
	s = dlsym(h, symbol);
	if (!s) {
		why = dlerror();
		snprintf(err, err_len, "module %s has no %s: %s", path, symbol,
			 why ? why : "symbol is NULL");
		dlclose(h);
		return -ENOENT;
	}
	*handle = h;
	*sym = s;
	return 0;
}

void module_unload(void *handle)
{
	if (handle)
		dlclose(handle);
}
