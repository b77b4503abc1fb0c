// SPDX-License-Identifier: GPL-2.0-or-later
/* Digest AKA against /work/shared/vectors/ims-aka.txt (examples A and B). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <glib.h>

#include "digest.h"
#include "util.h"

static void hex(const char *h, uint8_t *out, size_t len)
{
	assert_int_equal(util_hex_decode(h, out, len), 0);
}

static void assert_hash(const uint8_t h[DIGEST_HASH_LEN], const char *expect)
{
	char s[DIGEST_HEX_LEN];

	util_hex_encode(h, DIGEST_HASH_LEN, s);
	assert_string_equal(s, expect);
}

/* Example A */
#define A_NONCE	 "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M="
#define A_USER	 "user1@ims.example.org"
#define A_REALM	 "ims.example.org"
#define A_URI	 "sip:ims.example.org"
#define A_CNONCE "0a4f113b"

static void test_nonce_decode(void **state)
{
	uint8_t rand[16], autn[16], er[16], ea[16];

	assert_int_equal(digest_nonce_decode(A_NONCE, rand, autn), 0);
	hex("23553cbe9637a89d218ae64dae47bf35", er, 16);
	hex("55f328b43577b9b94a9ffac354dfafb3", ea, 16);
	assert_memory_equal(rand, er, 16);
	assert_memory_equal(autn, ea, 16);

	assert_int_equal(
		digest_nonce_decode("AtAUaGl97Zlcdid0n4T9tCSz9gw3wYAAL17TF8vKcP0=", rand, autn), 0);
	hex("02d01468697ded995c7627749f84fdb4", er, 16);
	hex("24b3f60c37c180002f5ed317cbca70fd", ea, 16);
	assert_memory_equal(rand, er, 16);
	assert_memory_equal(autn, ea, 16);
}

static void test_nonce_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M",	    /* padding missing */
		"\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\"", /* quotes left */
		"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7=M",	    /* '=' inside */
		"I1U8vpY3qJ0hiuZNrke/NVXz KLQ1d7m5Sp/6w1Tfr7M=",    /* space */
		"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tf",	    /* 30 bytes: too short */
		"I1U8vpY3-J0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=",	    /* not base64 */
		"====",
	};
	uint8_t rand[16], autn[16];
	char big[400];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(digest_nonce_decode(bad[i], rand, autn), -EBADMSG);
	assert_int_equal(digest_nonce_decode(NULL, rand, autn), -EBADMSG);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(digest_nonce_decode(big, rand, autn), -EBADMSG);
	/* RAND || AUTN || server data is accepted (RFC 3310 3.2). */
	assert_int_equal(
		digest_nonce_decode("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7MAAQI=", rand, autn),
		0);
}

static void test_base64(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = { { "", "" },
		  { "f", "Zg==" },
		  { "fo", "Zm8=" },
		  { "foo", "Zm9v" },
		  { "foob", "Zm9vYg==" },
		  { "fooba", "Zm9vYmE=" },
		  { "foobar", "Zm9vYmFy" } };
	char out[16];
	uint8_t back[16];
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(digest_base64_encode((const uint8_t *)v[i].in, strlen(v[i].in),
						      out, sizeof(out)),
				 0);
		assert_string_equal(out, v[i].out);
		assert_int_equal(digest_base64_decode(v[i].out, back, sizeof(back), &n), 0);
		assert_int_equal(n, strlen(v[i].in));
		assert_memory_equal(back, v[i].in, n);
	}
	assert_int_equal(digest_base64_encode((const uint8_t *)"foo", 3, out, 4), -E2BIG);
	assert_int_equal(digest_base64_decode("Zm9vYmFy", back, 5, &n), -E2BIG);
	assert_int_equal(digest_base64_decode("Zg=a", back, sizeof(back), &n), -EBADMSG);
	assert_int_equal(digest_base64_decode("Z===", back, sizeof(back), &n), -EBADMSG);
}

static void test_algorithm(void **state)
{
	enum digest_algorithm a;

	assert_int_equal(digest_algorithm_parse("AKAv1-MD5", &a), 0);
	assert_int_equal(a, DIGEST_AKAV1_MD5);
	assert_int_equal(digest_algorithm_parse("\"akav2-md5\"", &a), 0);
	assert_int_equal(a, DIGEST_AKAV2_MD5);
	assert_int_equal(digest_algorithm_parse("MD5", &a), -ENOTSUP);
	assert_int_equal(digest_algorithm_parse("\"", &a), -ENOTSUP);
	assert_int_equal(digest_algorithm_parse("AKAv1-MD5-sess", &a), -ENOTSUP);
	assert_string_equal(digest_algorithm_name(DIGEST_AKAV2_MD5), "AKAv2-MD5");
}

static void test_example_a_akav1(void **state)
{
	uint8_t res[8], ha1[16], ha2[16];
	char resp[DIGEST_HEX_LEN];

	hex("a54211d5e3ba50bf", res, sizeof(res));
	digest_ha1(A_USER, A_REALM, res, sizeof(res), ha1);
	digest_ha2("REGISTER", A_URI, ha2);
	assert_hash(ha1, "18a32cb3ac9eb1845544c4fb4dda8663");
	assert_hash(ha2, "340c026ba4129e771c271fd750f31b7e");
	digest_response(ha1, A_NONCE, 1, A_CNONCE, "auth", ha2, resp);
	assert_string_equal(resp, "7a63bf2ec0f5e75920518e83c2a82ed8");
}

static void test_example_a_akav2(void **state)
{
	uint8_t res[8], ck[16], ik[16], ha1[16], ha2[16];
	char pw[DIGEST_AKAV2_PW_LEN], resp[DIGEST_HEX_LEN];

	hex("a54211d5e3ba50bf", res, sizeof(res));
	hex("b40ba9a3c58b2a05bbf0d987b21bf8cb", ck, sizeof(ck));
	hex("f769bcd751044604127672711c6d3441", ik, sizeof(ik));
	assert_int_equal(digest_akav2_password(res, sizeof(res), ik, ck, pw), 0);
	assert_string_equal(pw, "shzt3q8CWaZnCAWqs3WmEQ==");
	digest_ha1(A_USER, A_REALM, (const uint8_t *)pw, strlen(pw), ha1);
	digest_ha2("REGISTER", A_URI, ha2);
	digest_response(ha1, A_NONCE, 1, A_CNONCE, "auth", ha2, resp);
	assert_string_equal(resp, "76d655c7eff940b923584516412e7c5b");
	assert_int_equal(digest_akav2_password(res, 3, ik, ck, pw), -EINVAL);
	assert_int_equal(digest_akav2_password(res, 17, ik, ck, pw), -EINVAL);
}

static void test_example_a_sync_failure(void **state)
{
	uint8_t auts[14], ha1[16], ha2[16];
	char b64[DIGEST_AUTS_B64_LEN], resp[DIGEST_HEX_LEN];

	hex("451e8beca41bf8ee589d46d835c9", auts, sizeof(auts));
	digest_auts_encode(auts, b64);
	assert_string_equal(b64, "RR6L7KQb+O5YnUbYNck=");
	/* RFC 3310 3.4: the response uses the empty password. */
	digest_ha1(A_USER, A_REALM, NULL, 0, ha1);
	digest_ha2("REGISTER", A_URI, ha2);
	digest_response(ha1, A_NONCE, 1, A_CNONCE, "auth", ha2, resp);
	assert_string_equal(resp, "380c6458c312bd26c6081e1c0ffb4230");
}

static void test_example_b(void **state)
{
	static const char user[] = "001010000000002@ims.mnc001.mcc001.3gppnetwork.org";
	static const char realm[] = "ims.mnc001.mcc001.3gppnetwork.org";
	uint8_t res[8], ha1[16], ha2[16];
	char resp[DIGEST_HEX_LEN];

	hex("0f58bf6c9f36d415", res, sizeof(res));
	digest_ha1(user, realm, res, sizeof(res), ha1);
	digest_ha2("REGISTER", "sip:ims.mnc001.mcc001.3gppnetwork.org", ha2);
	assert_hash(ha1, "4f60b8fe39a0ff2f3f012255d59cc648");
	assert_hash(ha2, "df94ff42c4e05afeddd46c372e8208b4");
	digest_response(ha1, "AtAUaGl97Zlcdid0n4T9tCSz9gw3wYAAL17TF8vKcP0=", 1, "5627ec48", "auth",
			ha2, resp);
	assert_string_equal(resp, "e7df4a3abe4160aae62d733f93a20f3d");
}

/* Independent references: GLib's MD5 and HMAC over the explicitly assembled input. */
static void ref_ha1(const char *user, const char *realm, const uint8_t *pw, size_t len,
		    uint8_t out[16])
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_MD5);
	gsize n = 16;

	g_checksum_update(c, (const guchar *)user, -1);
	g_checksum_update(c, (const guchar *)":", 1);
	g_checksum_update(c, (const guchar *)realm, -1);
	g_checksum_update(c, (const guchar *)":", 1);
	g_checksum_update(c, pw, len);
	g_checksum_get_digest(c, out, &n);
	g_checksum_free(c);
}

static void ref_akav2(const uint8_t *res, size_t len, const uint8_t *ik, const uint8_t *ck,
		      char *out)
{
	uint8_t key[48], mac[16];
	gsize n = 16;
	GHmac *h;
	gchar *b;

	memcpy(key, res, len);
	memcpy(key + len, ik, 16);
	memcpy(key + len + 16, ck, 16);
	h = g_hmac_new(G_CHECKSUM_MD5, key, len + 32);
	g_hmac_update(h, (const guchar *)"http-digest-akav2-password", -1);
	g_hmac_get_digest(h, mac, &n);
	g_hmac_unref(h);
	b = g_base64_encode(mac, 16);
	strcpy(out, b);
	g_free(b);
}

/* A RES holding 00 bytes enters HA1 whole (Doubango truncates it at the first 00). */
static void test_res_with_zero_byte(void **state)
{
	static const uint8_t res[8] = { 0xa5, 0x42, 0x00, 0xd5, 0x00, 0xba, 0x50, 0x00 };
	uint8_t ha1[16], ref[16], trunc[16];

	digest_ha1(A_USER, A_REALM, res, sizeof(res), ha1);
	ref_ha1(A_USER, A_REALM, res, sizeof(res), ref);
	assert_memory_equal(ha1, ref, 16);
	ref_ha1(A_USER, A_REALM, res, 2, trunc);
	assert_memory_not_equal(ha1, trunc, 16);
}

/* Every RES length of TS 33.102 (4..16 bytes), with 00 bytes, AKAv1 and AKAv2. */
static void test_res_lengths(void **state)
{
	uint8_t res[16], ck[16], ik[16], ha1[16], ref[16];
	char pw[DIGEST_AKAV2_PW_LEN], pw_ref[32];
	size_t len, i;

	for (i = 0; i < sizeof(res); i++)
		res[i] = (uint8_t)(i % 3 ? 0x00 : 0x80 + i);
	memset(ck, 0x11, sizeof(ck));
	memset(ik, 0x22, sizeof(ik));
	for (len = 4; len <= 16; len++) {
		digest_ha1(A_USER, A_REALM, res, len, ha1);
		ref_ha1(A_USER, A_REALM, res, len, ref);
		assert_memory_equal(ha1, ref, 16);
		assert_int_equal(digest_akav2_password(res, len, ik, ck, pw), 0);
		ref_akav2(res, len, ik, ck, pw_ref);
		assert_string_equal(pw, pw_ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nonce_decode),
		cmocka_unit_test(test_nonce_rejects),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_algorithm),
		cmocka_unit_test(test_example_a_akav1),
		cmocka_unit_test(test_example_a_akav2),
		cmocka_unit_test(test_example_a_sync_failure),
		cmocka_unit_test(test_example_b),
		cmocka_unit_test(test_res_with_zero_byte),
		cmocka_unit_test(test_res_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
