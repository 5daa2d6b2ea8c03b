/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ISAKMP / IKEv1 wire format: constants and codec.
 *
 * Numbers come from RFC 2408 (ISAKMP), RFC 2407 (IPsec DOI), RFC 2409 (IKE),
 * RFC 3947 (NAT-T), RFC 3706 (DPD), draft-dukes-ike-mode-cfg-02 (Mode-Config),
 * draft-beaulieu-ike-xauth-02 (XAUTH) and the Cisco Unity attributes.
 *
 * The decoder does not copy: a decoded message holds pointers and lengths into
 * the caller's datagram, which must stay alive while the result is used. Every
 * length is checked before it is trusted; bad input yields an enum isakmp_err
 * that names what was wrong.
 */
#ifndef _ESPGW_ISAKMP_H_
#define _ESPGW_ISAKMP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define ISAKMP_COOKIE_LEN	8
#define ISAKMP_HDR_LEN		28	/* RFC 2408 3.1 */
#define ISAKMP_GEN_LEN		4	/* generic payload header, RFC 2408 3.2 */
#define ISAKMP_VERSION		0x10	/* major 1, minor 0 */
#define ISAKMP_MAX_MSG		65535	/* what fits in a UDP datagram, rounded */

/* RFC 2408 3.1: exchange types; 6 from Mode-Config, 32+ from RFC 2409 */
enum isakmp_exch {
	ISAKMP_EXCH_NONE	= 0,
	ISAKMP_EXCH_BASE	= 1,
	ISAKMP_EXCH_IDPROT	= 2,	/* Main Mode */
	ISAKMP_EXCH_AUTH_ONLY	= 3,
	ISAKMP_EXCH_AGGRESSIVE	= 4,
	ISAKMP_EXCH_INFO	= 5,
	ISAKMP_EXCH_TRANSACTION	= 6,	/* Mode-Config / XAUTH */
	ISAKMP_EXCH_QUICK	= 32,
	ISAKMP_EXCH_NEW_GROUP	= 33,
};

/* RFC 2408 3.1: header flags */
enum isakmp_flag {
	ISAKMP_FLAG_ENC		= 0x01,
	ISAKMP_FLAG_COMMIT	= 0x02,
	ISAKMP_FLAG_AUTH_ONLY	= 0x04,
};

/* RFC 2408 3.1 next-payload values, plus Mode-Config and NAT-T ones */
enum isakmp_payload_type {
	ISAKMP_NP_NONE		= 0,
	ISAKMP_NP_SA		= 1,
	ISAKMP_NP_P		= 2,	/* proposal, only inside SA */
	ISAKMP_NP_T		= 3,	/* transform, only inside P */
	ISAKMP_NP_KE		= 4,
	ISAKMP_NP_ID		= 5,
	ISAKMP_NP_CERT		= 6,
	ISAKMP_NP_CR		= 7,
	ISAKMP_NP_HASH		= 8,
	ISAKMP_NP_SIG		= 9,
	ISAKMP_NP_NONCE		= 10,
	ISAKMP_NP_N		= 11,
	ISAKMP_NP_D		= 12,
	ISAKMP_NP_VID		= 13,
	ISAKMP_NP_ATTR		= 14,	/* Mode-Config */
	ISAKMP_NP_NATD		= 20,	/* RFC 3947 */
	ISAKMP_NP_NATOA		= 21,
	ISAKMP_NP_FRAG		= 132,	/* Cisco/Microsoft IKE fragmentation */
	ISAKMP_NP_NATD_DRAFT	= 130,	/* draft-ietf-ipsec-nat-t-ike-02/03 */
	ISAKMP_NP_NATOA_DRAFT	= 131,
};

/*
 * IKEv1 has no critical bit: the byte after next-payload is RESERVED. We take
 * the IKEv2 meaning of its top bit (RFC 7296 3.2) for unknown payload types:
 * an unknown payload is skipped unless that bit is set.
 */
#define ISAKMP_PL_CRITICAL	0x80

enum isakmp_doi {
	ISAKMP_DOI_ISAKMP	= 0,
	ISAKMP_DOI_IPSEC	= 1,
};

/* RFC 2407 4.2 */
enum isakmp_situation {
	ISAKMP_SIT_IDENTITY_ONLY = 1,
	ISAKMP_SIT_SECRECY	= 2,
	ISAKMP_SIT_INTEGRITY	= 4,
};

/* RFC 2407 4.4.1 protocol ids */
enum isakmp_proto {
	ISAKMP_PROTO_ISAKMP	= 1,
	ISAKMP_PROTO_AH		= 2,
	ISAKMP_PROTO_ESP	= 3,
	ISAKMP_PROTO_IPCOMP	= 4,
};

#define ISAKMP_KEY_IKE		1	/* RFC 2407 4.4.2, the only ISAKMP transform id */

/* RFC 2407 4.4.4 ESP transform ids, plus RFC 4106 GCM */
enum isakmp_esp_id {
	ESP_DES_IV64		= 1,
	ESP_DES			= 2,
	ESP_3DES		= 3,
	ESP_RC5			= 4,
	ESP_IDEA		= 5,
	ESP_CAST		= 6,
	ESP_BLOWFISH		= 7,
	ESP_3IDEA		= 8,
	ESP_DES_IV32		= 9,
	ESP_RC4			= 10,
	ESP_NULL		= 11,
	ESP_AES_CBC		= 12,	/* RFC 3602 */
	ESP_AES_CTR		= 13,
	ESP_AES_CCM_8		= 14,
	ESP_AES_CCM_12		= 15,
	ESP_AES_CCM_16		= 16,
	ESP_AES_GCM_8		= 18,	/* RFC 4106 */
	ESP_AES_GCM_12		= 19,
	ESP_AES_GCM_16		= 20,
};

/* RFC 2409 appendix A: phase-1 attribute classes */
enum ike_attr {
	IKE_ATTR_ENC		= 1,
	IKE_ATTR_HASH		= 2,
	IKE_ATTR_AUTH		= 3,
	IKE_ATTR_GROUP_DESC	= 4,
	IKE_ATTR_GROUP_TYPE	= 5,
	IKE_ATTR_GROUP_PRIME	= 6,
	IKE_ATTR_GROUP_GEN1	= 7,
	IKE_ATTR_GROUP_GEN2	= 8,
	IKE_ATTR_GROUP_CURVE_A	= 9,
	IKE_ATTR_GROUP_CURVE_B	= 10,
	IKE_ATTR_LIFE_TYPE	= 11,
	IKE_ATTR_LIFE_DURATION	= 12,
	IKE_ATTR_PRF		= 13,
	IKE_ATTR_KEY_LENGTH	= 14,
	IKE_ATTR_FIELD_SIZE	= 15,
	IKE_ATTR_GROUP_ORDER	= 16,
};

/* RFC 2409 appendix A values; AES from RFC 3602, SHA-2 from RFC 4868 */
enum ike_enc {
	IKE_ENC_DES		= 1,
	IKE_ENC_IDEA		= 2,
	IKE_ENC_BLOWFISH	= 3,
	IKE_ENC_RC5		= 4,
	IKE_ENC_3DES		= 5,
	IKE_ENC_CAST		= 6,
	IKE_ENC_AES_CBC		= 7,
};

enum ike_hash_alg {
	IKE_HASH_MD5		= 1,
	IKE_HASH_SHA1		= 2,
	IKE_HASH_TIGER		= 3,
	IKE_HASH_SHA2_256	= 4,
	IKE_HASH_SHA2_384	= 5,
	IKE_HASH_SHA2_512	= 6,
};

enum ike_auth {
	IKE_AUTH_PSK		= 1,
	IKE_AUTH_DSS		= 2,
	IKE_AUTH_RSA_SIG	= 3,
	IKE_AUTH_RSA_ENC	= 4,
	IKE_AUTH_RSA_ENC_REV	= 5,
	IKE_AUTH_HYBRID_INIT_RSA = 64221,
	IKE_AUTH_HYBRID_RESP_RSA = 64222,
	IKE_AUTH_XAUTH_INIT_PSK	= 65001,	/* draft-beaulieu-ike-xauth-02 */
	IKE_AUTH_XAUTH_RESP_PSK	= 65002,
	IKE_AUTH_XAUTH_INIT_RSA	= 65005,
	IKE_AUTH_XAUTH_RESP_RSA	= 65006,
};

/* MODP groups: RFC 2409 6.1/6.2, RFC 3526 */
enum ike_group {
	IKE_GROUP_NONE		= 0,
	IKE_GROUP_MODP768	= 1,
	IKE_GROUP_MODP1024	= 2,
	IKE_GROUP_MODP1536	= 5,
	IKE_GROUP_MODP2048	= 14,
	IKE_GROUP_MODP3072	= 15,
	IKE_GROUP_MODP4096	= 16,
};

#define IKE_GROUP_TYPE_MODP	1

enum ike_life_type {
	IKE_LIFE_SECONDS	= 1,
	IKE_LIFE_KILOBYTES	= 2,
};

/* RFC 2407 4.5: IPsec DOI (phase-2) attribute classes */
enum ipsec_attr {
	IPSEC_ATTR_LIFE_TYPE	= 1,
	IPSEC_ATTR_LIFE_DURATION = 2,
	IPSEC_ATTR_GROUP_DESC	= 3,
	IPSEC_ATTR_ENCAP_MODE	= 4,
	IPSEC_ATTR_AUTH_ALG	= 5,
	IPSEC_ATTR_KEY_LENGTH	= 6,
	IPSEC_ATTR_KEY_ROUNDS	= 7,
	IPSEC_ATTR_COMP_DICT_SIZE = 8,
	IPSEC_ATTR_COMP_PRIV_ALG = 9,
	IPSEC_ATTR_ECN_TUNNEL	= 10,	/* RFC 3168 */
};

/* RFC 2407 4.5 encapsulation modes, RFC 3947 and draft NAT-T ones */
enum ipsec_encap {
	IPSEC_ENCAP_TUNNEL		= 1,
	IPSEC_ENCAP_TRANSPORT		= 2,
	IPSEC_ENCAP_UDP_TUNNEL		= 3,
	IPSEC_ENCAP_UDP_TRANSPORT	= 4,
	IPSEC_ENCAP_UDP_TUNNEL_DRAFT	= 61443,
	IPSEC_ENCAP_UDP_TRANSPORT_DRAFT	= 61444,
};

/* RFC 2407 4.5 authentication algorithms, SHA-2 from RFC 4868 */
enum ipsec_auth {
	IPSEC_AUTH_NONE		= 0,	/* attribute absent (combined-mode ciphers) */
	IPSEC_AUTH_HMAC_MD5	= 1,
	IPSEC_AUTH_HMAC_SHA1	= 2,
	IPSEC_AUTH_DES_MAC	= 3,
	IPSEC_AUTH_KPDK		= 4,
	IPSEC_AUTH_HMAC_SHA2_256 = 5,
	IPSEC_AUTH_HMAC_SHA2_384 = 6,
	IPSEC_AUTH_HMAC_SHA2_512 = 7,
};

/* RFC 2407 4.6.2.1 identification types */
enum isakmp_id_type {
	ISAKMP_ID_IPV4_ADDR		= 1,
	ISAKMP_ID_FQDN			= 2,
	ISAKMP_ID_USER_FQDN		= 3,
	ISAKMP_ID_IPV4_ADDR_SUBNET	= 4,
	ISAKMP_ID_IPV6_ADDR		= 5,
	ISAKMP_ID_IPV6_ADDR_SUBNET	= 6,
	ISAKMP_ID_IPV4_ADDR_RANGE	= 7,
	ISAKMP_ID_IPV6_ADDR_RANGE	= 8,
	ISAKMP_ID_DER_ASN1_DN		= 9,
	ISAKMP_ID_DER_ASN1_GN		= 10,
	ISAKMP_ID_KEY_ID		= 11,
};

/* RFC 2408 3.14.1 error types, RFC 2407 4.6.3 / RFC 3706 / Cisco status types */
enum isakmp_notify {
	ISAKMP_N_INVALID_PAYLOAD_TYPE		= 1,
	ISAKMP_N_DOI_NOT_SUPPORTED		= 2,
	ISAKMP_N_SITUATION_NOT_SUPPORTED	= 3,
	ISAKMP_N_INVALID_COOKIE			= 4,
	ISAKMP_N_INVALID_MAJOR_VERSION		= 5,
	ISAKMP_N_INVALID_MINOR_VERSION		= 6,
	ISAKMP_N_INVALID_EXCHANGE_TYPE		= 7,
	ISAKMP_N_INVALID_FLAGS			= 8,
	ISAKMP_N_INVALID_MESSAGE_ID		= 9,
	ISAKMP_N_INVALID_PROTOCOL_ID		= 10,
	ISAKMP_N_INVALID_SPI			= 11,
	ISAKMP_N_INVALID_TRANSFORM_ID		= 12,
	ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED	= 13,
	ISAKMP_N_NO_PROPOSAL_CHOSEN		= 14,
	ISAKMP_N_BAD_PROPOSAL_SYNTAX		= 15,
	ISAKMP_N_PAYLOAD_MALFORMED		= 16,
	ISAKMP_N_INVALID_KEY_INFORMATION	= 17,
	ISAKMP_N_INVALID_ID_INFORMATION		= 18,
	ISAKMP_N_INVALID_CERT_ENCODING		= 19,
	ISAKMP_N_INVALID_CERTIFICATE		= 20,
	ISAKMP_N_CERT_TYPE_UNSUPPORTED		= 21,
	ISAKMP_N_INVALID_CERT_AUTHORITY		= 22,
	ISAKMP_N_INVALID_HASH_INFORMATION	= 23,
	ISAKMP_N_AUTHENTICATION_FAILED		= 24,
	ISAKMP_N_INVALID_SIGNATURE		= 25,
	ISAKMP_N_ADDRESS_NOTIFICATION		= 26,
	ISAKMP_N_NOTIFY_SA_LIFETIME		= 27,
	ISAKMP_N_CERTIFICATE_UNAVAILABLE	= 28,
	ISAKMP_N_UNSUPPORTED_EXCHANGE_TYPE	= 29,
	ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS	= 30,
	ISAKMP_N_CONNECTED			= 16384,
	ISAKMP_N_RESPONDER_LIFETIME		= 24576,
	ISAKMP_N_REPLAY_STATUS			= 24577,
	ISAKMP_N_INITIAL_CONTACT		= 24578,
	ISAKMP_N_DPD_R_U_THERE			= 36136,
	ISAKMP_N_DPD_R_U_THERE_ACK		= 36137,
	ISAKMP_N_CISCO_LOAD_BALANCE		= 40501,
};

/* draft-dukes-ike-mode-cfg-02 3.2: ATTR payload message types */
enum modecfg_type {
	MODECFG_REQUEST	= 1,
	MODECFG_REPLY	= 2,
	MODECFG_SET	= 3,
	MODECFG_ACK	= 4,
};

/* Mode-Config attribute types: draft-dukes 3.3, XAUTH draft, Cisco Unity */
enum modecfg_attr {
	MODECFG_INTERNAL_IP4_ADDRESS	= 1,
	MODECFG_INTERNAL_IP4_NETMASK	= 2,
	MODECFG_INTERNAL_IP4_DNS	= 3,
	MODECFG_INTERNAL_IP4_NBNS	= 4,
	MODECFG_INTERNAL_ADDRESS_EXPIRY	= 5,
	MODECFG_INTERNAL_IP4_DHCP	= 6,
	MODECFG_APPLICATION_VERSION	= 7,
	MODECFG_INTERNAL_IP6_ADDRESS	= 8,
	MODECFG_INTERNAL_IP6_NETMASK	= 9,
	MODECFG_INTERNAL_IP6_DNS	= 10,
	MODECFG_INTERNAL_IP6_NBNS	= 11,
	MODECFG_INTERNAL_IP6_DHCP	= 12,
	MODECFG_INTERNAL_IP4_SUBNET	= 13,
	MODECFG_SUPPORTED_ATTRIBUTES	= 14,
	MODECFG_INTERNAL_IP6_SUBNET	= 15,
	XAUTH_TYPE			= 16520,
	XAUTH_USER_NAME			= 16521,
	XAUTH_USER_PASSWORD		= 16522,
	XAUTH_PASSCODE			= 16523,
	XAUTH_MESSAGE			= 16524,
	XAUTH_CHALLENGE			= 16525,
	XAUTH_DOMAIN			= 16526,
	XAUTH_STATUS			= 16527,
	XAUTH_NEXT_PIN			= 16528,
	XAUTH_ANSWER			= 16529,
	UNITY_BANNER			= 28672,
	UNITY_SAVE_PASSWD		= 28673,
	UNITY_DEF_DOMAIN		= 28674,
	UNITY_SPLIT_DNS			= 28675,
	UNITY_SPLIT_INCLUDE		= 28676,
	UNITY_NATT_PORT			= 28677,
	UNITY_LOCAL_LAN			= 28678,
	UNITY_PFS			= 28679,
	UNITY_FW_TYPE			= 28680,
	UNITY_BACKUP_SERVERS		= 28681,
	UNITY_DDNS_HOSTNAME		= 28682,
};

/* Vendor IDs that change what a peer expects (interop.md 1). */
enum isakmp_vid {
	ISAKMP_VID_UNKNOWN = 0,
	ISAKMP_VID_NATT_RFC3947,	/* MD5("RFC 3947") */
	ISAKMP_VID_NATT_02,		/* MD5("draft-ietf-ipsec-nat-t-ike-02") */
	ISAKMP_VID_NATT_02N,		/* the same with a trailing newline */
	ISAKMP_VID_NATT_03,		/* MD5("draft-ietf-ipsec-nat-t-ike-03") */
	ISAKMP_VID_DPD,			/* RFC 3706 */
	ISAKMP_VID_XAUTH,		/* MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"), 8 bytes */
	ISAKMP_VID_UNITY,		/* MD5("CISCO-UNITY"), 14 bytes, then version 1.0 */
	ISAKMP_VID_FRAGMENTATION,	/* MD5("FRAGMENTATION"), then 4 bytes of flags */
	ISAKMP_VID_COUNT,
};

/* Which known VID this is (any version suffix accepted where there is one). */
enum isakmp_vid isakmp_vid_classify(const uint8_t *data, size_t len);
/* The bytes we send for a VID; NULL for ISAKMP_VID_UNKNOWN. */
const uint8_t *isakmp_vid_bytes(enum isakmp_vid vid, size_t *len);
const char *isakmp_vid_name(enum isakmp_vid vid);

/* Attribute Format bit: set = TV (2-byte value), clear = TLV. RFC 2408 3.3 */
#define ISAKMP_ATTR_AF		0x8000
#define ISAKMP_ATTR_TYPE_MASK	0x7fff

/* What was wrong with a message. 0 is success, errors are negative. */
enum isakmp_err {
	ISAKMP_OK = 0,
	ISAKMP_E_HDR_SHORT = -1,		/* datagram shorter than the header */
	ISAKMP_E_HDR_LEN_SHORT = -2,		/* header length < 28 */
	ISAKMP_E_HDR_LEN_TRUNCATED = -3,	/* header length > datagram */
	ISAKMP_E_HDR_LEN_TRAILING = -4,		/* datagram has bytes past header length */
	ISAKMP_E_VERSION = -5,			/* major version is not 1 */
	ISAKMP_E_PAYLOAD_HDR_SHORT = -6,	/* fewer than 4 bytes for a generic header */
	ISAKMP_E_PAYLOAD_LEN_SHORT = -7,	/* payload length < 4 */
	ISAKMP_E_PAYLOAD_LEN_OVERFLOW = -8,	/* payload length past the enclosing data */
	ISAKMP_E_PAYLOAD_FIXED_SHORT = -9,	/* payload smaller than its fixed part */
	ISAKMP_E_TRAILING = -10,		/* bytes after the last payload */
	ISAKMP_E_TOO_MANY_PAYLOADS = -11,
	ISAKMP_E_UNKNOWN_CRITICAL = -12,	/* unknown payload with the critical bit */
	ISAKMP_E_BAD_NESTING = -13,		/* P or T at the top level */
	ISAKMP_E_SA_DOI = -14,			/* DOI is not IPsec */
	ISAKMP_E_SA_SITUATION = -15,		/* situation other than identity-only */
	ISAKMP_E_SA_NO_PROPOSAL = -16,
	ISAKMP_E_PROP_CHAIN = -17,		/* non-proposal inside an SA */
	ISAKMP_E_PROP_SPI_LEN = -18,		/* SPI size past the proposal */
	ISAKMP_E_PROP_ORDER = -19,		/* proposal numbers not ascending */
	ISAKMP_E_TOO_MANY_PROPOSALS = -20,
	ISAKMP_E_TRANS_CHAIN = -21,		/* non-transform inside a proposal */
	ISAKMP_E_TRANS_COUNT = -22,		/* #transforms differs from what follows */
	ISAKMP_E_TOO_MANY_TRANSFORMS = -23,
	ISAKMP_E_ATTR_SHORT = -24,		/* attribute header or value truncated */
	ISAKMP_E_ATTR_TOO_LONG = -25,		/* TLV value too long for its meaning */
	ISAKMP_E_ATTR_DUPLICATE = -26,		/* same attribute class twice */
	ISAKMP_E_ATTR_LIFE_ORDER = -27,		/* duration without a preceding type */
	ISAKMP_E_ATTR_LIFE_TYPE = -28,		/* life type neither seconds nor KB */
	ISAKMP_E_NOTIFY_SPI_LEN = -29,		/* SPI size past the payload */
	ISAKMP_E_DELETE_LEN = -30,		/* SPI size * count != what follows */
	ISAKMP_E_DELETE_SPI_SIZE = -31,		/* zero SPI size with SPIs */
	ISAKMP_E_WRONG_TYPE = -32,		/* payload passed to the wrong decoder */
	ISAKMP_E_NO_SPACE = -33,		/* encoder: output buffer too small */
	ISAKMP_E_NESTING = -34,			/* encoder: begin/end mismatched */
	ISAKMP_E_INVAL = -35,			/* bad argument or encoder misuse */
	ISAKMP_E_NONCE_LEN = -36,		/* nonce outside 8..256 bytes */
	ISAKMP_E_ID_LEN = -37,			/* ID data length wrong for its type */
	ISAKMP_E_ID_TYPE = -38,			/* ID type is not an IPv4 one */
	ISAKMP_E_ID_VALUE = -39,		/* non-contiguous mask, range end < start */
	ISAKMP_E_CRYPT_LEN = -40,		/* encrypted body empty or not whole blocks */
	ISAKMP_E_CRYPTO = -41,			/* the cipher failed or is unavailable */
	ISAKMP_E_HASH_FIRST = -42,		/* QM / informational without HASH first */
	ISAKMP_E_HASH = -43,			/* the HASH does not verify */
	ISAKMP_E_LAST = ISAKMP_E_HASH,
	/* not an error: the header is fine, the payloads need decrypting first */
	ISAKMP_ENCRYPTED = 1,
};

const char *isakmp_strerror(int err);
const char *isakmp_exch_name(unsigned int exch);
const char *isakmp_payload_name(unsigned int type);
const char *isakmp_notify_name(unsigned int type);

struct isakmp_hdr {
	uint8_t icookie[ISAKMP_COOKIE_LEN];
	uint8_t rcookie[ISAKMP_COOKIE_LEN];
	uint8_t np;
	uint8_t version;
	uint8_t exch;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

/* One payload of a message's chain. */
struct isakmp_payload {
	uint8_t type;
	uint8_t reserved;
	const uint8_t *raw;	/* generic header onwards */
	uint16_t raw_len;	/* the payload length field */
	const uint8_t *body;	/* after the generic header */
	uint16_t len;		/* raw_len - 4 */
};

#define ISAKMP_MAX_PAYLOADS	32

struct isakmp_msg {
	struct isakmp_hdr hdr;
	const uint8_t *raw;	/* the whole message: hdr.length bytes */
	size_t raw_len;
	const uint8_t *body;	/* after the header; ciphertext when encrypted */
	size_t body_len;
	unsigned int n;
	struct isakmp_payload pl[ISAKMP_MAX_PAYLOADS];
	unsigned int skipped;	/* unknown payloads ignored */
	uint8_t first_np;	/* type of the first payload in the chain */
	const uint8_t *chain;	/* the payload chain: first payload ... */
	const uint8_t *chain_end; /* ... to the end of the last one (before padding) */
};

/*
 * Header only: checks datagram length against the header length and the major
 * version. The minor version is not checked (RFC 2408 5.1 says we SHOULD, but
 * real clients send 0 and nobody sends anything else).
 */
int isakmp_decode_hdr(const uint8_t *p, size_t len, struct isakmp_hdr *h);

/*
 * Whole message: header, and the payload chain if the message is not
 * encrypted. For an encrypted one this returns ISAKMP_ENCRYPTED (> 0) with the
 * header and body filled in; decrypt body and call isakmp_decode_chain() on
 * the plaintext with pad_ok set (RFC 2409 5.3 lets the sender pad), which is
 * what ike_msg_decrypt() in crypto.h does.
 */
int isakmp_decode(const uint8_t *p, size_t len, struct isakmp_msg *m);
int isakmp_decode_chain(struct isakmp_msg *m, uint8_t first_np, const uint8_t *p, size_t len,
			bool pad_ok);

/*
 * RFC 2409 5.5 and 5.7: in Quick Mode and informational exchanges the HASH
 * payload comes first and covers every payload after it, generic headers
 * included, padding excluded. Gives the HASH data and that span (which may be
 * empty) of a decoded message.
 */
int isakmp_hashed(const struct isakmp_msg *m, const uint8_t **hash, uint16_t *hash_len,
		  const uint8_t **rest, size_t *rest_len);

/* First payload of a type at or after index *from (NULL when none); *from moves past it. */
const struct isakmp_payload *isakmp_find(const struct isakmp_msg *m, uint8_t type,
					 unsigned int *from);
unsigned int isakmp_count(const struct isakmp_msg *m, uint8_t type);

/* A data attribute, RFC 2408 3.3. */
struct isakmp_attr {
	uint16_t type;		/* without the AF bit */
	bool tv;		/* short form */
	uint16_t len;		/* value length: 2 for TV */
	const uint8_t *val;
	uint64_t num;		/* value as a number when len <= 8 */
};

/*
 * Next attribute from r: 1 and *a filled, 0 at the end of r, or a negative
 * error when the attribute is truncated.
 */
int isakmp_attr_next(struct rbuf *r, struct isakmp_attr *a);

struct isakmp_transform {
	uint8_t num;
	uint8_t id;
	const uint8_t *attrs;	/* attribute bytes, checked to be well-formed */
	uint16_t attrs_len;
	const uint8_t *raw;	/* the whole transform payload, for echoing it back */
	uint16_t raw_len;
};

struct isakmp_proposal {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	const uint8_t *spi;
	unsigned int first;	/* index into isakmp_sa.t */
	unsigned int ntrans;
};

#define ISAKMP_MAX_PROPOSALS	16
#define ISAKMP_MAX_TRANSFORMS	64	/* over all proposals; vpnc sends 24 in phase 1 */

struct isakmp_sa {
	uint32_t doi;
	uint32_t situation;
	unsigned int nprop;
	struct isakmp_proposal p[ISAKMP_MAX_PROPOSALS];
	unsigned int ntrans;
	struct isakmp_transform t[ISAKMP_MAX_TRANSFORMS];
};

/* SA payload with its proposals and transforms (RFC 2408 3.4-3.6, RFC 2407 4.2). */
int isakmp_decode_sa(const struct isakmp_payload *pl, struct isakmp_sa *sa);

/* Phase-1 transform attributes (RFC 2409 appendix A) */
struct ike_p1_attrs {
	uint16_t enc;
	uint16_t hash;
	uint16_t auth;
	uint16_t group;
	uint16_t group_type;
	uint16_t prf;
	uint16_t keylen;	/* bits, 0 when absent */
	uint64_t life_sec;	/* 0 when absent */
	uint64_t life_kb;
	bool custom_group;	/* prime/generator/curve attributes present */
	unsigned int unknown;	/* attributes we do not know */
};

/* Phase-2 IPsec DOI transform attributes (RFC 2407 4.5) */
struct ipsec_attrs {
	uint16_t encap;		/* 0 when absent */
	uint16_t auth;		/* IPSEC_AUTH_NONE when absent */
	uint16_t group;		/* 0 when absent: no PFS */
	uint16_t keylen;
	uint16_t key_rounds;
	uint64_t life_sec;
	uint64_t life_kb;
	unsigned int unknown;
};

int isakmp_p1_attrs(const struct isakmp_transform *t, struct ike_p1_attrs *a);
int isakmp_ipsec_attrs(const struct isakmp_transform *t, struct ipsec_attrs *a);

struct isakmp_id {
	uint8_t type;
	uint8_t proto;
	uint16_t port;
	const uint8_t *data;
	uint16_t len;
	const uint8_t *body;	/* the ID payload body: what HASH_I/R covers (IDii_b) */
	uint16_t body_len;
};

struct isakmp_notify_pl {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
	const uint8_t *spi;
	const uint8_t *data;
	uint16_t len;
};

struct isakmp_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;
	const uint8_t *spis;	/* nspi * spi_size bytes */
};

struct isakmp_modecfg {
	uint8_t type;		/* enum modecfg_type */
	uint16_t ident;
	const uint8_t *attrs;	/* checked to be well-formed */
	uint16_t attrs_len;
};

/* Payloads whose body is just data (KE, HASH, NONCE, VID, SIG, NAT-D). */
int isakmp_decode_data(const struct isakmp_payload *pl, uint8_t type, const uint8_t **data,
		       uint16_t *len);
/* RFC 2409 5: nonce data is 8 to 256 bytes. */
int isakmp_decode_nonce(const struct isakmp_payload *pl, const uint8_t **data, uint16_t *len);
int isakmp_decode_id(const struct isakmp_payload *pl, struct isakmp_id *id);
/*
 * An IPv4 ID (RFC 2407 4.6.2.2-4.6.2.6) as an inclusive address range in host
 * order: IPV4_ADDR is one address, IPV4_ADDR_SUBNET address and mask (the
 * address is masked; a non-contiguous mask is refused), IPV4_ADDR_RANGE start
 * and end (start <= end). The data must have exactly the type's length.
 */
int isakmp_id_ipv4(const struct isakmp_id *id, uint32_t *first, uint32_t *last);
int isakmp_decode_notify(const struct isakmp_payload *pl, struct isakmp_notify_pl *n);
int isakmp_decode_delete(const struct isakmp_payload *pl, struct isakmp_delete *d);
int isakmp_decode_modecfg(const struct isakmp_payload *pl, struct isakmp_modecfg *c);

/*
 * Encoder. Payloads nest: isakmp_put_begin() opens a payload at the current
 * level (chaining the previous sibling's next-payload to it) and descends;
 * isakmp_put_end() writes its length and goes back up. SA holds proposals,
 * proposals hold transforms, all other payloads are flat.
 */
#define ISAKMP_ENC_DEPTH	4

struct isakmp_enc {
	struct wbuf w;
	int depth;
	bool bad;		/* begin/end mismatch or bad argument */
	size_t np_off[ISAKMP_ENC_DEPTH];	/* where the next sibling's type goes */
	size_t start[ISAKMP_ENC_DEPTH];		/* start of the open payload */
};

void isakmp_enc_init(struct isakmp_enc *e, void *buf, size_t cap, const struct isakmp_hdr *h);
/* Open a payload of type; returns false when out of space. */
bool isakmp_put_begin(struct isakmp_enc *e, uint8_t type);
void isakmp_put_end(struct isakmp_enc *e);
/* Write the header length; returns the message length or a negative error. */
int isakmp_enc_finish(struct isakmp_enc *e);

/* Attributes (the short form is used when the value fits in 16 bits). */
void isakmp_put_attr(struct isakmp_enc *e, uint16_t type, uint64_t val);
void isakmp_put_attr_tlv(struct isakmp_enc *e, uint16_t type, const void *val, uint16_t len);

void isakmp_put_data(struct isakmp_enc *e, uint8_t type, const void *data, size_t len);
void isakmp_put_id(struct isakmp_enc *e, uint8_t id_type, uint8_t proto, uint16_t port,
		   const void *data, size_t len);
void isakmp_put_notify(struct isakmp_enc *e, uint32_t doi, uint8_t proto, uint16_t type,
		       const void *spi, uint8_t spi_size, const void *data, size_t len);
void isakmp_put_delete(struct isakmp_enc *e, uint32_t doi, uint8_t proto, uint8_t spi_size,
		       const void *spis, uint16_t nspi);
/* SA / proposal / transform openers; close each with isakmp_put_end(). */
void isakmp_put_sa_begin(struct isakmp_enc *e, uint32_t doi, uint32_t situation);
void isakmp_put_prop_begin(struct isakmp_enc *e, uint8_t num, uint8_t proto, const void *spi,
			   uint8_t spi_size, uint8_t ntrans);
void isakmp_put_trans_begin(struct isakmp_enc *e, uint8_t num, uint8_t id);
/* A reply SA: one proposal (with our SPI) holding one received transform, verbatim. */
void isakmp_put_sa_reply(struct isakmp_enc *e, const struct isakmp_sa *sa,
			 const struct isakmp_proposal *p, const struct isakmp_transform *t,
			 const void *spi, uint8_t spi_size);
void isakmp_put_modecfg_begin(struct isakmp_enc *e, uint8_t type, uint16_t ident);
/*
 * N(RESPONDER-LIFETIME) (RFC 2407 4.6.3.1) with a life type/duration pair for
 * each non-zero limit. The attribute classes follow the protocol: phase-1
 * classes 11/12 for ISAKMP, IPsec DOI classes 1/2 for ESP and AH.
 */
void isakmp_put_responder_lifetime(struct isakmp_enc *e, uint8_t proto, const void *spi,
				   uint8_t spi_size, uint64_t sec, uint64_t kb);

/* Offset of the first payload: what callers encrypt (RFC 2408 3.1). */
static inline size_t isakmp_enc_body_off(void)
{
	return ISAKMP_HDR_LEN;
}

#endif /* _ESPGW_ISAKMP_H_ */
