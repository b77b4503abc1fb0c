// SPDX-License-Identifier: GPL-2.0-or-later
/* The SIP DB backends mcmig-cms knows, by their [sipdb] backend name. */
#include <string.h>

#include "cms-sipdb.h"
#include "util.h"

static const struct cms_sipdb_ops *const backends[] = {
	&cms_sipdb_sh_ops,
};

const struct cms_sipdb_ops *cms_sipdb_lookup(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}
