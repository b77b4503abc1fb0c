// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bench SIP database vectors (tests/bench/sipdb/aka.c) against the shared
 * test data: TS 35.208 Milenage sets (vectors/milenage.txt) and the IMS-AKA
 * worked examples (vectors/ims-aka.txt: AKAv2 password, AUTS resync).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/bench/sipdb/aka.h"
#include "util.h"

struct set {
	const char *k, *op, *opc, *rand, *sqn, *amf;
	const char *mac_a, *res, *ck, *ik, *ak;
};

static const struct set sets[] = {
	{ "465b5ce8b199b49faa5f0a2ee238a6bc", "cdc202d5123e20f62b6d676ac72cb318",
	  "cd63cb71954a9f4e48a5994e37a02baf", "23553cbe9637a89d218ae64dae47bf35", "ff9bb4d0b607",
	  "b9b9", "4a9ffac354dfafb3", "a54211d5e3ba50bf", "b40ba9a3c58b2a05bbf0d987b21bf8cb",
	  "f769bcd751044604127672711c6d3441", "aa689c648370" },
	{ "fec86ba6eb707ed08905757b1bb44b8f", "dbc59adcb6f9a0ef735477b7fadf8374",
	  "1006020f0a478bf6b699f15c062e42b3", "9f7c8d021accf4db213ccff0c7f71a6a", "9d0277595ffc",
	  "725c", "9cabc3e99baf7281", "8011c48c0c214ed2", "5dbdbb2954e8f3cde665b046179a5098",
	  "59a92d3b476a0443487055cf88b2307b", "33484dc2136b" },
};

static void hex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(util_hex_decode(s, out, n), 0);
}

static uint64_t u48(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | b[i];
	return v;
}

static void sub_of(const struct set *t, bool use_op, struct sdb_sub *s)
{
	uint8_t sqn[6];

	memset(s, 0, sizeof(*s));
	hex(t->k, s->k, 16);
	hex(use_op ? t->op : t->opc, s->opc, 16);
	s->opc_is_op = use_op;
	hex(t->amf, s->amf, 2);
	hex(t->sqn, sqn, 6);
	/* The SIP DB stores the last SQN used; the vector takes the next. */
	s->sqn = u48(sqn) - 1;
}

static void check_set(const struct set *t, bool use_op)
{
	uint8_t rand_[16], autn[16], b[16], sqn[6], ak[6];
	struct aka_vec v;
	struct sdb_sub s;
	int i;

	sub_of(t, use_op, &s);
	hex(t->rand, rand_, 16);
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	/* TS 33.102 6.3.2: AUTN = SQN xor AK || AMF || MAC-A */
	hex(t->sqn, sqn, 6);
	hex(t->ak, ak, 6);
	for (i = 0; i < 6; i++)
		autn[i] = sqn[i] ^ ak[i];
	hex(t->amf, autn + 6, 2);
	hex(t->mac_a, autn + 8, 8);
	assert_memory_equal(v.rand, rand_, 16);
	assert_memory_equal(v.autn, autn, 16);
	assert_int_equal(v.xres_len, 8);
	hex(t->res, b, 8);
	assert_memory_equal(v.xres, b, 8);
	hex(t->ck, b, 16);
	assert_memory_equal(v.ck, b, 16);
	hex(t->ik, b, 16);
	assert_memory_equal(v.ik, b, 16);
	assert_int_equal(s.sqn, u48(sqn));
}

static void test_milenage_sets(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		check_set(&sets[i], false);
		check_set(&sets[i], true);
	}
}

/* Without IND bits (ind_bits=0) consecutive vectors use consecutive SQNs. */
static void test_sqn_advances(void **state)
{
	uint8_t rand_[16] = { 0 };
	struct aka_vec v;
	struct sdb_sub s;

	sub_of(&sets[0], false, &s);
	s.sqn = 41;
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	assert_int_equal(s.sqn, 42);
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	assert_int_equal(s.sqn, 43);
}

/* TS 33.102 C.3.2 with 5 IND bits (the bench card's profile): each vector
 * takes SEQ + 1 in the subscriber's IND slot, whatever slot the last SQN was
 * in, and the AUTN carries that SQN. */
static void test_sqn_ind(void **state)
{
	uint8_t rand_[16] = { 0 }, sqn[6], ak[6];
	struct aka_vec v;
	struct sdb_sub s;
	int i;

	sub_of(&sets[0], false, &s);
	s.ind_bits = 5;
	s.sqn = 0;
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	assert_int_equal(s.sqn, 1 << 5); /* SEQ 1, IND 0: not 1 (SEQ 0 = replay) */
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	assert_int_equal(s.sqn, 2 << 5);
	s.ind = 3;
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	assert_int_equal(s.sqn, 3 << 5 | 3);
	s.ind = 0;
	s.sqn = 7 << 5 | 31; /* last vector from another slot */
	hex(sets[0].rand, rand_, 16);
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	assert_int_equal(s.sqn, 8 << 5);
	hex("000000000100", sqn, 6);
	hex(sets[0].ak, ak, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(v.autn[i], sqn[i] ^ ak[i]);

	/* An IND that does not fit in ind_bits is refused, the SQN stays. */
	s.ind = 32;
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), -EIO);
	assert_int_equal(s.sqn, 8 << 5);
}

/* ims-aka.txt example A: the card's SQN_MS is 000000000020. */
static void test_resync(void **state)
{
	uint8_t resync[30], rand_[16], expect[6], ak[6];
	struct aka_vec v;
	struct sdb_sub s;
	int i;

	sub_of(&sets[0], false, &s);
	hex(sets[0].rand, resync, 16);
	hex("451e8beca41bf8ee589d46d835c9", resync + 16, 14);
	/* The new challenge reuses RAND 1 so that AK is known: f5 of set 1. */
	hex(sets[0].rand, rand_, 16);
	assert_int_equal(aka_vector(&s, rand_, resync, sizeof(resync), &v), 0);
	assert_int_equal(s.sqn, 0x21);
	hex("000000000021", expect, 6);
	hex(sets[0].ak, ak, 6);
	for (i = 0; i < 6; i++)
		expect[i] ^= ak[i];
	assert_memory_equal(v.autn, expect, 6);

	/* A corrupted MAC-S is refused and the SQN stays. */
	sub_of(&sets[0], false, &s);
	resync[29] ^= 1;
	assert_int_equal(aka_vector(&s, rand_, resync, sizeof(resync), &v), -EINVAL);
	assert_int_equal(s.sqn, 0xff9bb4d0b606);
	assert_int_equal(aka_vector(&s, rand_, resync, 29, &v), -EINVAL);
	assert_int_equal(s.sqn, 0xff9bb4d0b606);
}

/* TS 33.102 C.3.4 with 5 IND bits: the card's SQN_MS 0x20 is SEQ 1 (IND 0);
 * SEQ_HE becomes SEQ_MS and the new vector takes SEQ 2 in our IND slot: 0x40
 * (IND 0) or 0x45 (IND 5), never SQN_MS + 1 (SEQ 1 again: a replay for the
 * card, and another sync failure). */
static void test_resync_ind(void **state)
{
	uint8_t resync[30], rand_[16], expect[6], ak[6];
	struct aka_vec v;
	struct sdb_sub s;
	int i;

	hex(sets[0].rand, resync, 16);
	hex("451e8beca41bf8ee589d46d835c9", resync + 16, 14);
	hex(sets[0].rand, rand_, 16);
	sub_of(&sets[0], false, &s);
	s.ind_bits = 5;
	assert_int_equal(aka_vector(&s, rand_, resync, sizeof(resync), &v), 0);
	assert_int_equal(s.sqn, 0x40);
	hex("000000000040", expect, 6);
	hex(sets[0].ak, ak, 6);
	for (i = 0; i < 6; i++)
		expect[i] ^= ak[i];
	assert_memory_equal(v.autn, expect, 6);

	sub_of(&sets[0], false, &s);
	s.ind_bits = 5;
	s.ind = 5;
	assert_int_equal(aka_vector(&s, rand_, resync, sizeof(resync), &v), 0);
	assert_int_equal(s.sqn, 0x45);
}

/* ims-aka.txt example A: AKAv2-MD5 password of vector 1. */
static void test_akav2_password(void **state)
{
	uint8_t rand_[16];
	struct aka_vec v;
	struct sdb_sub s;
	char pw[32];

	sub_of(&sets[0], false, &s);
	hex(sets[0].rand, rand_, 16);
	assert_int_equal(aka_vector(&s, rand_, NULL, 0, &v), 0);
	assert_int_equal(aka_akav2_password(&v, pw, sizeof(pw)), 24);
	assert_string_equal(pw, "shzt3q8CWaZnCAWqs3WmEQ==");
	assert_int_equal(aka_akav2_password(&v, pw, 24), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_milenage_sets), cmocka_unit_test(test_sqn_advances),
		cmocka_unit_test(test_sqn_ind),	      cmocka_unit_test(test_resync),
		cmocka_unit_test(test_resync_ind),    cmocka_unit_test(test_akav2_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
