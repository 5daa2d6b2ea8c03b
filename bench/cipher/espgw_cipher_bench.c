// SPDX-License-Identifier: GPL-2.0
/*
 * bench/cost's floor: the kernel AEAD alone, on ESP-shaped requests of the size
 * the data plane makes (ESP header as associated data, the geniv IV, the padded
 * payload, the ICV), with the same crypto API names espgw and esp4 use. Loading
 * the module runs COUNT operations and leaves the guest-clock ns per operation in
 * /sys/module/espgw_cipher_bench/parameters/result_ns; bench/cost-guest.sh
 * unloads it again. Not part of espgw.
 *
 *   insmod espgw_cipher_bench.ko alg=gcm128|aes128-sha1 size=64 count=20000 dir=enc|dec
 */

#include <linux/module.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <crypto/aead.h>
#include <crypto/authenc.h>

static char *alg = "gcm128";
module_param(alg, charp, 0444);
static unsigned int size = 64;
module_param(size, uint, 0444);
static unsigned int count = 20000;
module_param(count, uint, 0444);
static char *dir = "enc";
module_param(dir, charp, 0444);
static unsigned long result_ns;
module_param(result_ns, ulong, 0444);
MODULE_PARM_DESC(result_ns, "guest ns per operation of the last run");

static int bench_setkey(struct crypto_aead *tfm, bool authenc)
{
	u8 blob[RTA_SPACE(sizeof(struct crypto_authenc_key_param)) + 20 + 16];
	struct crypto_authenc_key_param *param;
	struct rtattr *rta = (struct rtattr *)blob;

	if (!authenc) {
		get_random_bytes(blob, 20);	/* AES-128 key + 4-byte salt */
		return crypto_aead_setkey(tfm, blob, 20) ?: crypto_aead_setauthsize(tfm, 16);
	}
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(16);
	get_random_bytes(blob + RTA_SPACE(sizeof(*param)), 20 + 16);
	return crypto_aead_setkey(tfm, blob, sizeof(blob)) ?: crypto_aead_setauthsize(tfm, 12);
}

static int __init bench_init(void)
{
	bool authenc = !strcmp(alg, "aes128-sha1"), enc = !strcmp(dir, "enc");
	const char *name = authenc ? "echainiv(authenc(hmac(sha1),cbc(aes)))" :
				     "seqiv(rfc4106(gcm(aes)))";
	unsigned int ivlen, icvlen, blk, clen, len, i;
	struct scatterlist src, dst;
	struct aead_request *req;
	struct crypto_aead *tfm;
	u8 *in, *out, iv[16];
	u64 t0;
	int err;

	if ((!authenc && strcmp(alg, "gcm128")) || (!enc && strcmp(dir, "dec")) ||
	    !count || size < 20 || size > 9000)
		return -EINVAL;
	tfm = crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC);	/* synchronous: no waiting */
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = bench_setkey(tfm, authenc);
	if (err)
		goto out_tfm;
	ivlen = crypto_aead_ivsize(tfm);
	icvlen = crypto_aead_authsize(tfm);
	blk = ALIGN(crypto_aead_blocksize(tfm), 4);
	/* the inner packet (size bytes) + pad length + next header, padded */
	clen = ALIGN(size + 2, blk);
	len = 8 + ivlen + clen + icvlen;
	err = -ENOMEM;
	in = kzalloc(len, GFP_KERNEL);
	out = kzalloc(len, GFP_KERNEL);
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!in || !out || !req)
		goto out_mem;
	get_random_bytes(in + 8 + ivlen, size);
	memset(iv, 0, sizeof(iv));
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, 8);

	/* one encryption gives the ciphertext the decryptions check */
	sg_init_one(&src, in, len);
	aead_request_set_crypt(req, &src, &src, ivlen + clen, iv);
	err = crypto_aead_encrypt(req);
	if (err)
		goto out_mem;
	if (enc) {
		t0 = ktime_get_ns();
		for (i = 0; i < count && !err; i++) {
			aead_request_set_crypt(req, &src, &src, ivlen + clen, iv);
			err = crypto_aead_encrypt(req);
		}
	} else {
		sg_init_one(&dst, out, len);
		t0 = ktime_get_ns();
		for (i = 0; i < count && !err; i++) {
			aead_request_set_crypt(req, &src, &dst, ivlen + clen + icvlen, iv);
			err = crypto_aead_decrypt(req);
		}
	}
	result_ns = div_u64(ktime_get_ns() - t0, count);
	if (!err)
		pr_info("%s %u %s: %lu ns per operation (%u operations)\n", alg, size, dir,
			result_ns, count);
out_mem:
	aead_request_free(req);
	kfree(out);
	kfree(in);
out_tfm:
	crypto_free_aead(tfm);
	return err;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("espgw bench/cost: the AEAD alone on ESP-shaped requests");
