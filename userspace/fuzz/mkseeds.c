// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the generated part of the fuzzer's seed corpus: messages shaped like
 * the ones strongSwan and vpnc send (interop.md 0 and 3), built with our own
 * encoder. Usage: mkseeds DIR
 */
#include <stdio.h>
#include <string.h>

#include "isakmp.h"

static uint8_t buf[ISAKMP_MAX_MSG];
static const char *dir;

static void save(const char *name, struct isakmp_enc *e)
{
	char path[512];
	int len = isakmp_enc_finish(e);
	FILE *f;

	if (len < 0) {
		fprintf(stderr, "%s: %s\n", name, isakmp_strerror(len));
		return;
	}
	snprintf(path, sizeof(path), "%s/gen-%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != (size_t)len)
		perror(path);
	if (f)
		fclose(f);
}

static struct isakmp_enc *start(struct isakmp_enc *e, uint8_t exch, uint8_t flags, uint32_t msgid)
{
	struct isakmp_hdr h = {
		.icookie = { 0x5a, 0x17, 0x3c, 0x9e, 0x01, 0x22, 0x43, 0x64 },
		.exch = exch, .flags = flags, .msgid = msgid,
	};

	if (exch != ISAKMP_EXCH_IDPROT || msgid)
		memcpy(h.rcookie, "\x81\x92\xa3\xb4\xc5\xd6\xe7\xf8", 8);
	isakmp_enc_init(e, buf, sizeof(buf), &h);
	return e;
}

static void p1_transform(struct isakmp_enc *e, uint8_t num, uint16_t enc, uint16_t kl,
			 uint16_t hash, uint16_t auth, uint16_t group, bool kl_first)
{
	isakmp_put_trans_begin(e, num, ISAKMP_KEY_IKE);
	if (kl && kl_first)
		isakmp_put_attr(e, IKE_ATTR_KEY_LENGTH, kl);
	isakmp_put_attr(e, IKE_ATTR_ENC, enc);
	isakmp_put_attr(e, IKE_ATTR_HASH, hash);
	isakmp_put_attr(e, IKE_ATTR_AUTH, auth);
	isakmp_put_attr(e, IKE_ATTR_GROUP_DESC, group);
	isakmp_put_attr(e, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	isakmp_put_attr(e, IKE_ATTR_LIFE_DURATION, kl_first ? 2147483 : 10800);
	if (kl && !kl_first)
		isakmp_put_attr(e, IKE_ATTR_KEY_LENGTH, kl);
	isakmp_put_end(e);
}

static const uint8_t fill[256] = {
	0x3f, 0x91, 0x07, 0xc2, 0x55, 0xe8, 0x1a, 0x6d,
	0x90, 0x2b, 0x74, 0xde, 0x03, 0xb6, 0x48, 0xaa,
};

int main(int argc, char **argv)
{
	static const uint16_t encs[3][2] = {
		{ IKE_ENC_AES_CBC, 256 }, { IKE_ENC_AES_CBC, 128 }, { IKE_ENC_3DES, 0 },
	};
	static const uint8_t ip[4] = { 192, 168, 1, 10 };
	static const uint8_t net[8] = { 10, 2, 2, 0, 255, 255, 255, 0 };
	static const uint8_t any[8] = { 0 };
	struct isakmp_enc e;
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	dir = argv[1];

	/* MM1, strongSwan: one proposal, aes128-sha1-modp2048 and a legacy one, VIDs */
	start(&e, ISAKMP_EXCH_IDPROT, 0, 0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, 2);
	p1_transform(&e, 1, IKE_ENC_AES_CBC, 128, IKE_HASH_SHA1, IKE_AUTH_PSK,
		     IKE_GROUP_MODP2048, false);
	p1_transform(&e, 2, IKE_ENC_DES, 0, IKE_HASH_MD5, IKE_AUTH_PSK, IKE_GROUP_MODP768, false);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_data(&e, ISAKMP_NP_VID, "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9"
			"\x6b\x86\x96\xfc\x77\x57\x01\x00", 16);		/* DPD */
	isakmp_put_data(&e, ISAKMP_NP_VID, "\x4a\x13\x1c\x81\x07\x03\x58\x45"
			"\x5c\x57\x28\xf2\x0e\x95\x45\x2f", 16);		/* RFC 3947 */
	isakmp_put_data(&e, ISAKMP_NP_VID, "\x09\x00\x26\x89\xdf\xd6\xb7\x12", 8); /* XAUTH */
	save("mm1-strongswan", &e);

	/* AM1, vpnc: 24 transforms (XAUTH first, key length first), KE, nonce, KEY_ID */
	start(&e, ISAKMP_EXCH_AGGRESSIVE, 0, 0);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ISAKMP, NULL, 0, 24);
	for (i = 0; i < 24; i++)
		p1_transform(&e, i + 1, encs[(i / 4) % 3][0], encs[(i / 4) % 3][1],
			     i & 2 ? IKE_HASH_MD5 : IKE_HASH_SHA1,
			     i < 12 ? IKE_AUTH_XAUTH_INIT_PSK : IKE_AUTH_PSK,
			     i & 1 ? IKE_GROUP_MODP1536 : IKE_GROUP_MODP1024, true);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_data(&e, ISAKMP_NP_KE, fill, 128);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, fill, 20);
	isakmp_put_id(&e, ISAKMP_ID_KEY_ID, 17, 500, "vpngroup", 8);
	isakmp_put_data(&e, ISAKMP_NP_VID, "\x12\xf5\xf2\x8c\x45\x71\x68\xa9"
			"\x70\x2d\x9f\xe2\x74\xcc\x01\x00", 16);		/* Cisco Unity */
	save("am1-vpnc", &e);

	/* MM3: KE, nonce, NAT-D twice */
	start(&e, ISAKMP_EXCH_IDPROT, 0, 0);
	isakmp_put_data(&e, ISAKMP_NP_KE, fill, 256);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, fill, 32);
	isakmp_put_data(&e, ISAKMP_NP_NATD, fill, 20);
	isakmp_put_data(&e, ISAKMP_NP_NATD, fill + 1, 20);
	save("mm3", &e);

	/* MM5 as decrypted: ID, HASH, N(INITIAL-CONTACT) */
	start(&e, ISAKMP_EXCH_IDPROT, 0, 0);
	isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR, 17, 500, ip, 4);
	isakmp_put_data(&e, ISAKMP_NP_HASH, fill, 20);
	isakmp_put_notify(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, ISAKMP_N_INITIAL_CONTACT,
			  buf, 16, NULL, 0);
	save("mm5-plain", &e);

	/* MM5 as sent: encrypted body */
	start(&e, ISAKMP_EXCH_IDPROT, ISAKMP_FLAG_ENC, 0);
	e.w.p[16] = ISAKMP_NP_ID;
	wbuf_bytes(&e.w, fill, 64);
	save("mm5-encrypted", &e);

	/* QM1: HASH, SA (two ESP proposals, PFS group), NONCE, KE, IDci, IDcr 0/0 */
	start(&e, ISAKMP_EXCH_QUICK, 0, 0x1d2c3b4a);
	isakmp_put_data(&e, ISAKMP_NP_HASH, fill, 20);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ESP, "\xc5\x01\x02\x03", 4, 1);
	isakmp_put_trans_begin(&e, 1, ESP_AES_GCM_16);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_DURATION, 28800);
	isakmp_put_attr(&e, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_UDP_TUNNEL);
	isakmp_put_attr(&e, IPSEC_ATTR_KEY_LENGTH, 128);
	isakmp_put_attr(&e, IPSEC_ATTR_GROUP_DESC, IKE_GROUP_MODP1024);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_prop_begin(&e, 2, ISAKMP_PROTO_ESP, "\xc5\x01\x02\x03", 4, 1);
	isakmp_put_trans_begin(&e, 1, ESP_AES_CBC);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_DURATION, 28800);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_TYPE, IKE_LIFE_KILOBYTES);
	isakmp_put_attr(&e, IPSEC_ATTR_LIFE_DURATION, 4608000);
	isakmp_put_attr(&e, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	isakmp_put_attr(&e, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_SHA1);
	isakmp_put_attr(&e, IPSEC_ATTR_KEY_LENGTH, 128);
	isakmp_put_attr(&e, IPSEC_ATTR_GROUP_DESC, IKE_GROUP_MODP1024);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, fill, 16);
	isakmp_put_data(&e, ISAKMP_NP_KE, fill, 128);
	isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR, 0, 0, ip, 4);
	isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, any, 8);
	save("qm1-pfs", &e);

	/* QM2 from the responder side: HASH, SA, NONCE, IDs, RESPONDER-LIFETIME */
	start(&e, ISAKMP_EXCH_QUICK, 0, 0x1d2c3b4a);
	isakmp_put_data(&e, ISAKMP_NP_HASH, fill, 20);
	isakmp_put_sa_begin(&e, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
	isakmp_put_prop_begin(&e, 1, ISAKMP_PROTO_ESP, "\x9a\x00\x00\x01", 4, 1);
	isakmp_put_trans_begin(&e, 1, ESP_DES);
	isakmp_put_attr(&e, IPSEC_ATTR_ENCAP_MODE, IPSEC_ENCAP_TUNNEL);
	isakmp_put_attr(&e, IPSEC_ATTR_AUTH_ALG, IPSEC_AUTH_HMAC_MD5);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_end(&e);
	isakmp_put_data(&e, ISAKMP_NP_NONCE, fill, 20);
	isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR, 0, 0, ip, 4);
	isakmp_put_id(&e, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, net, 8);
	isakmp_put_responder_lifetime(&e, ISAKMP_PROTO_ESP, "\x9a\x00\x00\x01", 4, 3600,
				      4608000);
	save("qm2-responder-lifetime", &e);

	/* Informational: HASH, DELETE (ESP, two SPIs) and DELETE (ISAKMP) */
	start(&e, ISAKMP_EXCH_INFO, 0, 0x0badcafe);
	isakmp_put_data(&e, ISAKMP_NP_HASH, fill, 20);
	isakmp_put_delete(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, 4, "\xc5\x01\x02\x03"
			  "\x9a\x00\x00\x01", 2);
	isakmp_put_delete(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, 16, buf, 1);
	save("info-delete", &e);

	/* Informational: DPD R-U-THERE with its sequence number */
	start(&e, ISAKMP_EXCH_INFO, 0, 0x01010101);
	isakmp_put_data(&e, ISAKMP_NP_HASH, fill, 20);
	isakmp_put_notify(&e, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, ISAKMP_N_DPD_R_U_THERE,
			  buf, 16, "\x00\x00\x30\x39", 4);
	save("info-dpd", &e);

	/* Mode-Config REQUEST (Unity client) and REPLY */
	start(&e, ISAKMP_EXCH_TRANSACTION, 0, 0x7e7e7e7e);
	isakmp_put_data(&e, ISAKMP_NP_HASH, fill, 20);
	isakmp_put_modecfg_begin(&e, MODECFG_REQUEST, 0x1234);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_ADDRESS, NULL, 0);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_NETMASK, NULL, 0);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_DNS, NULL, 0);
	isakmp_put_attr_tlv(&e, UNITY_SPLIT_INCLUDE, NULL, 0);
	isakmp_put_attr_tlv(&e, UNITY_BANNER, NULL, 0);
	isakmp_put_attr_tlv(&e, MODECFG_APPLICATION_VERSION, "strongSwan 5.9.8", 16);
	isakmp_put_end(&e);
	save("cfg-request", &e);

	start(&e, ISAKMP_EXCH_TRANSACTION, 0, 0x7e7e7e7e);
	isakmp_put_data(&e, ISAKMP_NP_HASH, fill, 20);
	isakmp_put_modecfg_begin(&e, MODECFG_REPLY, 0x1234);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_ADDRESS, "\x0a\x01\x01\x01", 4);
	isakmp_put_attr_tlv(&e, MODECFG_INTERNAL_IP4_NETMASK, "\xff\xff\xff\xff", 4);
	isakmp_put_attr_tlv(&e, UNITY_SPLIT_INCLUDE, net, 8);
	isakmp_put_attr(&e, XAUTH_STATUS, 1);
	isakmp_put_end(&e);
	save("cfg-reply", &e);
	return 0;
}
