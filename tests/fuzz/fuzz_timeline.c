/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agent/timeline.c: the text form mcmigctl reads from the daemon (D-Bus
 * Timeline property) and the daemon from its state directory. Accepted text
 * must format back to text that parses to the same timeline, and the
 * renderers must cope with whatever the parser lets through.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "timeline.h"

static bool same_timeline(const struct timeline *a, const struct timeline *b)
{
	size_t i;

	if (a->start_unix_us != b->start_unix_us || a->n != b->n || a->dropped != b->dropped)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->step[i].t_us != b->step[i].t_us || a->step[i].kind != b->step[i].kind ||
		    a->step[i].seed_step != b->step[i].seed_step ||
		    strcmp(a->step[i].arg, b->step[i].arg))
			return false;
	return true;
}

static void render(const struct timeline *tl)
{
	static struct timeline_row rows[TIMELINE_MAX_STEPS];
	struct timeline_summary s;
	FILE *f = fopen("/dev/null", "we");

	if (!f)
		abort();
	timeline_rows(tl, rows);
	timeline_summarize(tl, &s);
	fuzz_require(timeline_print_text(tl, f) == 0 && timeline_print_json(tl, f) == 0 &&
			     timeline_print_svg(tl, f) == 0,
		     "renderers succeed");
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct timeline tl, back;
	char err[TIMELINE_ERR_MAX] = "";
	char *text, *again;
	int ret;

	ret = timeline_parse((const char *)data, size, &tl, err, sizeof(err));
	if (ret) {
		fuzz_require(ret == -EINVAL, "parse: -EINVAL");
		fuzz_require(err[0] != '\0', "parse: refusal explained");
		return 0;
	}
	fuzz_require(tl.n <= TIMELINE_MAX_STEPS, "steps fit");
	render(&tl);
	text = timeline_format(&tl);
	if (!text)
		abort();
	if (timeline_parse(text, strlen(text), &back, err, sizeof(err))) {
		fprintf(stderr, "fuzz: own text refused: %s\n", err);
		abort();
	}
	fuzz_require(same_timeline(&tl, &back), "format -> parse round trip");
	again = timeline_format(&back);
	fuzz_require(again && strcmp(text, again) == 0, "text stable");
	free(again);
	free(text);
	return 0;
}
