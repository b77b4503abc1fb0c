/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MILENAGE (3GPP TS 35.206 §4.1) for the bench card: f1, f1*, f2, f3, f4,
 * f5, f5* from K and OPc. The block cipher is AES-128 from nettle (the
 * library GnuTLS is built on, installed for the bench anyway): a reviewed
 * AES rather than one more hand-written one; MILENAGE itself is ours and is
 * checked against TS 35.208 and against libosmocore (test-milenage.c).
 *
 * The vcard_ prefix matters: libosmogsm exports milenage_f1/milenage_f2345
 * with other signatures, and same-named functions here would interpose them
 * (and make the comparison with libosmocore compare us with ourselves).
 */
#ifndef MCMIG_MILENAGE_H
#define MCMIG_MILENAGE_H

#include <stdint.h>

/* OPc = OP xor E_K(OP) (TS 35.206 §4.1). */
void vcard_milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16]);

/* f1 (MAC-A) and f1* (MAC-S); either output may be NULL. */
void vcard_milenage_f1(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		       const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8],
		       uint8_t mac_s[8]);

/* f2 (RES), f3 (CK), f4 (IK), f5 (AK), f5* (AK*); any output may be NULL. */
void vcard_milenage_f2345(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			  uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6],
			  uint8_t ak_star[6]);

#endif
