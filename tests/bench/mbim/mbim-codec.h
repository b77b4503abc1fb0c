/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure MBIM codec for the bench emulator and its unit tests: control message
 * headers (MBIM 1.0 section 9.1), fragmentation (9.2), COMMAND, COMMAND_DONE
 * and INDICATE_STATUS (9.3.4, 9.4.3, 9.4.4), and information buffers whose
 * variable fields are {offset u32, size u32} pairs counted from the start of
 * the buffer, 4-byte aligned, strings in UTF-16LE (10.3).
 *
 * No I/O, no globals: every function takes (buf, len) and checks bounds; a
 * malformed input gives -EBADMSG (or -EMSGSIZE, -E2BIG where stated) and never
 * reads outside @buf.
 */
#ifndef MCMIG_MBIM_CODEC_H
#define MCMIG_MBIM_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* MBIM 1.0 9.1: MessageType values. */
#define MBIM_MSG_OPEN		 0x00000001u
#define MBIM_MSG_CLOSE		 0x00000002u
#define MBIM_MSG_COMMAND	 0x00000003u
#define MBIM_MSG_HOST_ERROR	 0x00000004u
#define MBIM_MSG_OPEN_DONE	 0x80000001u
#define MBIM_MSG_CLOSE_DONE	 0x80000002u
#define MBIM_MSG_COMMAND_DONE	 0x80000003u
#define MBIM_MSG_FUNCTION_ERROR	 0x80000004u
#define MBIM_MSG_INDICATE_STATUS 0x80000007u

#define MBIM_HDR_LEN	  12u /* type, length, transaction id */
#define MBIM_FRAG_HDR_LEN 8u  /* total fragments, current fragment */
/* Header, fragment header, service uuid, cid, type/status, buffer length. */
#define MBIM_CMD_HDR_LEN      48u
#define MBIM_INDICATE_HDR_LEN 44u    /* no type/status field */
#define MBIM_MAX_MESSAGE      65536u /* our reassembly limit */

/* MBIM 1.0 9.3.4: CommandType. */
#define MBIM_CMD_QUERY 0u
#define MBIM_CMD_SET   1u

/* MBIM 1.0 9.4.5 status codes used by the bench. */
#define MBIM_STATUS_SUCCESS		   0u
#define MBIM_STATUS_FAILURE		   2u
#define MBIM_STATUS_NO_DEVICE_SUPPORT	   9u
#define MBIM_STATUS_MAX_ACTIVATED_CONTEXTS 13u
#define MBIM_STATUS_CONTEXT_NOT_ACTIVATED  16u
#define MBIM_STATUS_INVALID_PARAMETERS	   21u

/* MBIM 1.0 9.4.4 FUNCTION_ERROR / HOST_ERROR codes. */
#define MBIM_ERROR_FRAGMENT_OUT_OF_SEQUENCE 2u
#define MBIM_ERROR_LENGTH_MISMATCH	    3u
#define MBIM_ERROR_NOT_OPENED		    5u
#define MBIM_ERROR_UNKNOWN		    6u

#define MBIM_UUID_LEN 16u

extern const uint8_t mbim_uuid_basic_connect[MBIM_UUID_LEN];
extern const uint8_t mbim_uuid_ms_basic_connect_ext[MBIM_UUID_LEN];
extern const uint8_t mbim_uuid_proxy_control[MBIM_UUID_LEN];
extern const uint8_t mbim_uuid_context_ims[MBIM_UUID_LEN];
extern const uint8_t mbim_uuid_context_none[MBIM_UUID_LEN];

struct mbim_hdr {
	uint32_t type;
	uint32_t len;
	uint32_t tid;
};

/*
 * Reads the 12-byte header at the start of a stream buffer. Returns 0 when the
 * header is there (the message itself may still be incomplete: compare
 * h->len with @len), -EAGAIN when fewer than 12 bytes are buffered, -EBADMSG
 * when the announced length is shorter than a header or above
 * MBIM_MAX_MESSAGE.
 */
int mbim_hdr_peek(const uint8_t *buf, size_t len, struct mbim_hdr *h);

/* One COMMAND, COMMAND_DONE or INDICATE_STATUS message (or fragment). */
struct mbim_cmd {
	uint32_t type;
	uint32_t tid;
	uint32_t frag_total;
	uint32_t frag_current;
	uint8_t uuid[MBIM_UUID_LEN];
	uint32_t cid;
	uint32_t type_or_status; /* CommandType, Status; 0 for INDICATE_STATUS */
	const uint8_t *ib;	 /* points into the parsed buffer */
	size_t ib_len;
};

/*
 * Parses exactly one unfragmented message of @len bytes. -EBADMSG when the
 * header length differs from @len, the type is not one of the three, the
 * buffer length does not match, or frag_total != 1 (reassemble first).
 */
int mbim_cmd_parse(const uint8_t *buf, size_t len, struct mbim_cmd *c);

/*
 * Builds a COMMAND, COMMAND_DONE or INDICATE_STATUS with one fragment.
 * Returns the message length or -E2BIG when @cap is too small, -EINVAL for
 * another type.
 */
ssize_t mbim_cmd_build(uint8_t *out, size_t cap, uint32_t type, uint32_t tid,
		       const uint8_t uuid[MBIM_UUID_LEN], uint32_t cid, uint32_t type_or_status,
		       const uint8_t *ib, size_t ib_len);

/* OPEN (max control transfer), OPEN_DONE / CLOSE_DONE (status), CLOSE, errors. */
ssize_t mbim_simple_build(uint8_t *out, size_t cap, uint32_t type, uint32_t tid, uint32_t value);
/* The u32 after the header of OPEN, OPEN_DONE, CLOSE_DONE, *_ERROR; -EBADMSG if short. */
int mbim_simple_parse(const uint8_t *buf, size_t len, struct mbim_hdr *h, uint32_t *value);

/*
 * MBIM 1.0 9.2: splits a single-fragment message @msg (as built above) into
 * fragments of at most @max_frag bytes written back to back into @out. Returns
 * the total number of bytes written, -E2BIG or -EINVAL (@max_frag too small,
 * or @msg is not a fragmentable type).
 */
ssize_t mbim_fragment(const uint8_t *msg, size_t len, size_t max_frag, uint8_t *out, size_t cap);

/*
 * Reassembly of fragmented messages from one peer (MBIM 1.0 9.2): fragments of
 * one transaction arrive in order; anything else is an error the caller
 * answers with FUNCTION_ERROR/HOST_ERROR MBIM_ERROR_FRAGMENT_OUT_OF_SEQUENCE.
 */
struct mbim_reasm {
	uint8_t buf[MBIM_MAX_MESSAGE];
	size_t len;
	uint32_t tid;
	uint32_t type;
	uint32_t total;
	uint32_t next;
	bool active;
};

void mbim_reasm_init(struct mbim_reasm *r);
/*
 * Feeds one complete message (fragment or not). Returns 1 with *@out and *@out_len
 * set to a whole single-fragment message (either @buf itself or r->buf), 0 when
 * more fragments are needed, -EBADMSG (malformed), -EPROTO (out of sequence;
 * the partial message is dropped) or -EMSGSIZE (above MBIM_MAX_MESSAGE).
 */
int mbim_reasm_feed(struct mbim_reasm *r, const uint8_t *buf, size_t len, const uint8_t **out,
		    size_t *out_len);

/* Information buffer reader: fixed fields in order, variable data by offset. */
struct mbim_ib {
	const uint8_t *buf;
	size_t len;
	size_t pos;
};

void mbim_ib_init(struct mbim_ib *r, const uint8_t *buf, size_t len);
int mbim_ib_u32(struct mbim_ib *r, uint32_t *v);
int mbim_ib_uuid(struct mbim_ib *r, uint8_t uuid[MBIM_UUID_LEN]);
/*
 * Reads an {offset, size} pair and decodes the UTF-16LE string it points at
 * into UTF-8 in @out (NUL-terminated). An empty pair (0, 0) is the empty
 * string. -EBADMSG: offset not 4-aligned, inside the fixed part already read,
 * beyond the buffer, odd size, or a broken surrogate pair; -E2BIG: @out too
 * small.
 */
int mbim_ib_string(struct mbim_ib *r, char *out, size_t out_size);

/*
 * Information buffer writer: @fixed_len bytes of fixed fields, then the
 * variable part. Errors stick in w->err (checked once by mbim_ibw_finish).
 */
struct mbim_ibw {
	uint8_t *buf;
	size_t cap;
	size_t fixed_len;
	size_t pos; /* next fixed field */
	size_t end; /* end of the variable part */
	int err;
};

void mbim_ibw_init(struct mbim_ibw *w, uint8_t *buf, size_t cap, size_t fixed_len);
void mbim_ibw_u32(struct mbim_ibw *w, uint32_t v);
void mbim_ibw_u64(struct mbim_ibw *w, uint64_t v);
void mbim_ibw_uuid(struct mbim_ibw *w, const uint8_t uuid[MBIM_UUID_LEN]);
/* UTF-8 @s as UTF-16LE in the variable part, {offset, size} in the fixed one. */
void mbim_ibw_string(struct mbim_ibw *w, const char *s);
/* @n raw bytes in the variable part; writes the offset, and the size if @with_size. */
void mbim_ibw_data(struct mbim_ibw *w, const void *data, size_t n, bool with_size);
/* Returns the buffer length, or the first error (-E2BIG, -EINVAL bad UTF-8/layout). */
ssize_t mbim_ibw_finish(struct mbim_ibw *w);

#endif
