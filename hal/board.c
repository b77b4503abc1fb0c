// SPDX-License-Identifier: GPL-2.0-or-later
/* Board data files: parser, devicetree matching and selection (board.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "netdev.h"
#include "util.h"

#define BOARD_LINE_MAX	512
#define BOARD_FILES_MAX 64

enum board_group { BOARD_G_NONE, BOARD_G_BOARD, BOARD_G_MODEM, BOARD_G_NETDEV, BOARD_G_UICC };

static const char *const board_groups[] = {
	[BOARD_G_NONE] = "",	     [BOARD_G_BOARD] = "board", [BOARD_G_MODEM] = "modem",
	[BOARD_G_NETDEV] = "netdev", [BOARD_G_UICC] = "uicc",
};

enum board_kind { BOARD_K_STR, BOARD_K_LIST, BOARD_K_BOOL, BOARD_K_UINT, BOARD_K_ENUM };

struct board_key {
	enum board_group group;
	const char *key;
	enum board_kind kind;
	size_t offset, size;
	bool required;
	const char *const *choices; /* BOARD_K_ENUM */
	unsigned int min, max;	    /* BOARD_K_UINT */
	const char *what;	    /* BOARD_K_UINT: "a number of ms" */
};

static const char *const board_modem_backends[] = { "qmi", "mbim", "mm", NULL };
static const char *const board_uicc_backends[] = { "pcsc", NULL };
/* In the order of enum netdev_link_kind. */
static const char *const board_link_kinds[] = { "existing", "qmi_wwan", "rmnet", NULL };

#define STR(g, k, field, req)                                                     \
	{                                                                         \
		g, k, BOARD_K_STR, offsetof(struct board, field),                 \
			sizeof(((struct board *)0)->field), req, NULL, 0, 0, NULL \
	}

static const struct board_key board_keys[] = {
	STR(BOARD_G_BOARD, "name", name, true),
	{ BOARD_G_BOARD, "compatible", BOARD_K_LIST, 0, 0, false, NULL, 0, 0, NULL },
	{ BOARD_G_BOARD, "fallback", BOARD_K_BOOL, offsetof(struct board, fallback), 0, false, NULL,
	  0, 0, NULL },
	{ BOARD_G_MODEM, "backend", BOARD_K_ENUM, offsetof(struct board, modem_backend),
	  sizeof(((struct board *)0)->modem_backend), true, board_modem_backends, 0, 0,
	  "a known backend" },
	STR(BOARD_G_MODEM, "device", modem_device, true),
	STR(BOARD_G_MODEM, "proxy", modem_proxy, false),
	STR(BOARD_G_MODEM, "bus", modem_bus, false),
	{ BOARD_G_MODEM, "timeout-ms", BOARD_K_UINT, offsetof(struct board, modem_timeout_ms), 0,
	  false, NULL, 0, 600000, "a number of ms" },
	{ BOARD_G_MODEM, "data-interface", BOARD_K_UINT, offsetof(struct board, modem_data_iface),
	  0, false, NULL, 1, 255, "a USB interface number" },
	STR(BOARD_G_NETDEV, "primary", netdev_primary, true),
	STR(BOARD_G_NETDEV, "partner", netdev_partner, true),
	/* QMAP mux ids: qmi_wwan's add_mux and rmnet take 1-254. */
	{ BOARD_G_NETDEV, "primary-mux-id", BOARD_K_UINT,
	  offsetof(struct board, netdev_primary_mux_id), 0, false, NULL, 1, 254, "a mux id" },
	{ BOARD_G_NETDEV, "partner-mux-id", BOARD_K_UINT,
	  offsetof(struct board, netdev_partner_mux_id), 0, false, NULL, 1, 254, "a mux id" },
	{ BOARD_G_NETDEV, "partner-link", BOARD_K_ENUM, offsetof(struct board, netdev_partner_link),
	  sizeof(((struct board *)0)->netdev_partner_link), false, board_link_kinds, 0, 0,
	  "a link kind (existing, qmi_wwan, rmnet)" },
	STR(BOARD_G_NETDEV, "parent", netdev_parent, false),
	{ BOARD_G_UICC, "backend", BOARD_K_ENUM, offsetof(struct board, uicc_backend),
	  sizeof(((struct board *)0)->uicc_backend), true, board_uicc_backends, 0, 0,
	  "a known backend" },
	STR(BOARD_G_UICC, "reader", uicc_reader, false),
};

static int board_fail(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int board_fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static char *board_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* GKeyFile lists: ';'-separated, a trailing ';' allowed. */
static int board_set_list(struct board *b, char *v, unsigned int line, char *err, size_t size)
{
	char *item, *save = NULL;

	for (item = strtok_r(v, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		item = board_trim(item);
		if (!*item)
			continue;
		if (b->n_compatible == BOARD_COMPAT_MAX)
			return board_fail(err, size,
					  "line %u: [board] compatible: more than %d entries", line,
					  BOARD_COMPAT_MAX);
		if (util_strlcpy(b->compatible[b->n_compatible], item, BOARD_STR_MAX))
			return board_fail(err, size, "line %u: [board] compatible: entry too long",
					  line);
		b->n_compatible++;
	}
	return 0;
}

static int board_set(struct board *b, const struct board_key *k, char *v, unsigned int line,
		     char *err, size_t size)
{
	const char *g = board_groups[k->group];
	char *field = (char *)b + k->offset;
	unsigned long n;
	char *end;
	size_t i;

	switch (k->kind) {
	case BOARD_K_STR:
		if (util_strlcpy(field, v, k->size))
			return board_fail(err, size,
					  "line %u: [%s] %s: value longer than %zu bytes", line, g,
					  k->key, k->size - 1);
		return 0;
	case BOARD_K_LIST:
		return board_set_list(b, v, line, err, size);
	case BOARD_K_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			return board_fail(err, size, "line %u: [%s] %s: '%s' is not true or false",
					  line, g, k->key, v);
		*(bool *)field = !strcmp(v, "true");
		return 0;
	case BOARD_K_UINT:
		errno = 0;
		n = strtoul(v, &end, 10);
		if (!*v || *end || errno || n < k->min || n > k->max || v[0] == '-')
			return board_fail(err, size, "line %u: [%s] %s: '%s' is not %s (%u-%u)",
					  line, g, k->key, v, k->what, k->min, k->max);
		*(unsigned int *)field = (unsigned int)n;
		return 0;
	case BOARD_K_ENUM:
		for (i = 0; k->choices[i]; i++)
			if (!strcmp(v, k->choices[i]))
				return util_strlcpy(field, v, k->size);
		return board_fail(err, size, "line %u: [%s] %s: '%s' is not %s", line, g, k->key, v,
				  k->what);
	}
	return -EINVAL;
}

static int board_line(struct board *b, char *l, unsigned int line, enum board_group *group,
		      unsigned int *seen, char *err, size_t size)
{
	char *eq, *key, *val;
	size_t i;

	l = board_trim(l);
	if (!*l || *l == '#')
		return 0;
	if (*l == '[') {
		char *close = strchr(l, ']');

		if (!close || close[1])
			return board_fail(err, size, "line %u: malformed group header '%s'", line,
					  l);
		*close = '\0';
		for (i = 1; i < ARRAY_SIZE(board_groups); i++) {
			if (!strcmp(l + 1, board_groups[i])) {
				*group = (enum board_group)i;
				return 0;
			}
		}
		return board_fail(err, size, "line %u: unknown group [%s]", line, l + 1);
	}
	eq = strchr(l, '=');
	if (!eq)
		return board_fail(err, size, "line %u: expected key=value, got '%s'", line, l);
	*eq = '\0';
	key = board_trim(l);
	val = board_trim(eq + 1);
	if (*group == BOARD_G_NONE)
		return board_fail(err, size, "line %u: key '%s' before any [group]", line, key);
	for (i = 0; i < ARRAY_SIZE(board_keys); i++) {
		if (board_keys[i].group != *group || strcmp(board_keys[i].key, key))
			continue;
		if (*seen & (1u << i))
			return board_fail(err, size, "line %u: [%s] %s given twice", line,
					  board_groups[*group], key);
		*seen |= 1u << i;
		return board_set(b, &board_keys[i], val, line, err, size);
	}
	return board_fail(err, size, "line %u: unknown key '%s' in [%s]", line, key,
			  board_groups[*group]);
}

/* 1 to 3 non-empty names of at most IFNAMSIZ - 1 bytes, comma-separated. */
static bool board_netdev_list_ok(const char *s)
{
	size_t n = 0, len;

	for (;;) {
		len = strcspn(s, ",");
		if (len == 0 || len >= MODEM_IFNAME_MAX || ++n > 3)
			return false;
		if (!s[len])
			return true;
		s += len + 1;
	}
}

int board_parse(const char *buf, size_t len, struct board *b, char *err, size_t err_size)
{
	enum board_group group = BOARD_G_NONE;
	unsigned int line = 0, seen = 0;
	char l[BOARD_LINE_MAX];
	size_t pos = 0, i;
	int ret;

	memset(b, 0, sizeof(*b));
	err[0] = '\0';
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		line++;
		if (n >= sizeof(l))
			return board_fail(err, err_size, "line %u: longer than %d bytes", line,
					  BOARD_LINE_MAX - 1);
		if (memchr(buf + pos, '\0', n))
			return board_fail(err, err_size, "line %u: NUL byte", line);
		memcpy(l, buf + pos, n);
		l[n] = '\0';
		pos += n + 1;
		ret = board_line(b, l, line, &group, &seen, err, err_size);
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(board_keys); i++)
		if (board_keys[i].required && !(seen & (1u << i)))
			return board_fail(err, err_size, "missing key [%s] %s",
					  board_groups[board_keys[i].group], board_keys[i].key);
	if (!board_netdev_list_ok(b->netdev_partner))
		return board_fail(err, err_size,
				  "[netdev] partner: '%s' is not 1 to 3 interface names of at most "
				  "%d bytes, comma-separated",
				  b->netdev_partner, MODEM_IFNAME_MAX - 1);
	if (strcmp(b->netdev_partner_link, "existing") && b->netdev_partner_link[0] &&
	    (!b->netdev_parent[0] || !b->netdev_partner_mux_id))
		return board_fail(err, err_size,
				  "[netdev] partner-link=%s needs parent and partner-mux-id",
				  b->netdev_partner_link);
	return 0;
}

int board_match(const struct board *boards, size_t n, const char *dt, size_t dt_len)
{
	size_t pos = 0, i, j;

	/* The property is a list of NUL-terminated strings (devicetree spec 2.3.1). */
	while (pos < dt_len) {
		const char *entry = dt + pos;
		size_t elen = strnlen(entry, dt_len - pos);

		for (i = 0; elen && i < n; i++)
			for (j = 0; j < boards[i].n_compatible; j++)
				if (strlen(boards[i].compatible[j]) == elen &&
				    !memcmp(boards[i].compatible[j], entry, elen))
					return (int)i;
		pos += elen + 1;
	}
	for (i = 0; i < n; i++)
		if (boards[i].fallback)
			return (int)i;
	return -ENOENT;
}

static int board_read(const char *path, char *buf, size_t size, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	*len = 0;
	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf + *len, size - *len)) > 0) {
		*len += (size_t)r;
		if (*len == size) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	return r < 0 ? -EIO : 0;
}

static int board_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int board_select(const char *dir, const char *configured, const char *dt_path, struct board *out,
		 char *err, size_t err_size)
{
	char *names[BOARD_FILES_MAX], path[512], dt[1024];
	struct board *boards = NULL;
	size_t n = 0, i, len, dt_len = 0;
	struct dirent *de;
	int ret = 0, idx;
	char *buf = NULL;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		ret = -errno;
		snprintf(err, err_size, "board directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	while ((de = readdir(d)) && n < BOARD_FILES_MAX) {
		size_t l = strlen(de->d_name);

		if (l > 5 && !strcmp(de->d_name + l - 5, ".conf") && de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), board_cmp);
	boards = calloc(n ? n : 1, sizeof(*boards));
	buf = malloc(BOARD_FILE_MAX);
	if (!boards || !buf) {
		ret = -ENOMEM;
		snprintf(err, err_size, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char perr[BOARD_ERR_MAX];

		if (!names[i]) {
			ret = -ENOMEM;
			snprintf(err, err_size, "out of memory");
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		ret = board_read(path, buf, BOARD_FILE_MAX, &len);
		if (ret) {
			snprintf(err, err_size, "%s: %s", path, strerror(-ret));
			goto out;
		}
		ret = board_parse(buf, len, &boards[i], perr, sizeof(perr));
		if (ret) {
			snprintf(err, err_size, "%s: %s", path, perr);
			goto out;
		}
		names[i][strlen(names[i]) - 5] = '\0';
		util_strlcpy(boards[i].id, names[i], sizeof(boards[i].id));
	}
	if (configured && configured[0]) {
		for (idx = -ENOENT, i = 0; i < n && idx < 0; i++)
			if (!strcmp(boards[i].id, configured))
				idx = (int)i;
		if (idx < 0)
			snprintf(err, err_size, "no board '%s' in %s", configured, dir);
	} else {
		if (board_read(dt_path ? dt_path : BOARD_DT_PATH, dt, sizeof(dt), &dt_len))
			dt_len = 0;
		idx = board_match(boards, n, dt, dt_len);
		if (idx < 0)
			snprintf(
				err, err_size,
				"no board in %s matches the devicetree (%s) and none is a fallback",
				dir, dt_len ? dt : "no compatible");
	}
	if (idx < 0) {
		ret = idx;
		goto out;
	}
	*out = boards[idx];
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(boards);
	free(buf);
	return ret;
}

bool board_link(const struct board *b, struct netdev_link *l)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	for (i = 0; board_link_kinds[i]; i++)
		if (!strcmp(b->netdev_partner_link, board_link_kinds[i]))
			l->kind = (enum netdev_link_kind)i;
	l->parent = b->netdev_parent;
	l->name = b->netdev_partner;
	l->mux_id = b->netdev_partner_mux_id;
	return l->kind != NETDEV_LINK_EXISTING;
}

void board_modem_config(const struct board *b, struct modem_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->backend = b->modem_backend;
	cfg->device = b->modem_device;
	cfg->proxy = b->modem_proxy[0] ? b->modem_proxy : NULL;
	cfg->bus = b->modem_bus[0] ? b->modem_bus : NULL;
	cfg->netdev = b->netdev_primary;
	cfg->timeout_ms = b->modem_timeout_ms;
	cfg->mux_id = b->netdev_partner_mux_id;
	cfg->data_iface = b->modem_data_iface;
	/* A primary on a mux id of the same modem: its data format is not ours to change. */
	cfg->shared = b->netdev_primary_mux_id != 0;
}
