// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Backend lookup: the one file that names every backend, so that only the
 * programs that choose a backend at run time link all three (hal/modem.c
 * holds what a single backend and its test drivers need).
 */
#include <string.h>

#include "modem.h"
#include "util.h"

const struct modem_ops *modem_ops_find(const char *name)
{
	static const struct modem_ops *const all[] = { &modem_qmi_ops, &modem_mbim_ops,
						       &modem_mm_ops };
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(all); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}
