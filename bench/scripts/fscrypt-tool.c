/* The three fscrypt steps Outpost's storage takes, for bench/scripts/storage-encryption.sh:
 *   fscrypt-tool add <mountpoint>           reads a raw 64-byte key on stdin, prints its identifier (hex)
 *   fscrypt-tool set <dir> <identifier> [contents-mode names-mode]   v2 policy on an empty directory
 *   fscrypt-tool remove <mountpoint> <identifier>
 * Modes are the FSCRYPT_MODE_* numbers (default 1 = AES-256-XTS contents, 4 = AES-256-CTS names). */
#include <fcntl.h>
#include <linux/fscrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int open_or_die(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) { perror(path); exit(1); }
  return fd;
}

static void parse_identifier(const char *hex, __u8 *out) {
  if (strlen(hex) != 2 * FSCRYPT_KEY_IDENTIFIER_SIZE) { fprintf(stderr, "bad identifier\n"); exit(2); }
  for (int i = 0; i < FSCRYPT_KEY_IDENTIFIER_SIZE; i++) sscanf(hex + 2 * i, "%2hhx", &out[i]);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "add") == 0) {
    struct { struct fscrypt_add_key_arg arg; __u8 raw[64]; } k = { 0 };
    if (fread(k.raw, 1, sizeof k.raw, stdin) != sizeof k.raw) { fprintf(stderr, "need 64 key bytes on stdin\n"); return 2; }
    k.arg.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
    k.arg.raw_size = sizeof k.raw;
    if (ioctl(open_or_die(argv[2]), FS_IOC_ADD_ENCRYPTION_KEY, &k) < 0) { perror("FS_IOC_ADD_ENCRYPTION_KEY"); return 1; }
    for (int i = 0; i < FSCRYPT_KEY_IDENTIFIER_SIZE; i++) printf("%02x", k.arg.key_spec.u.identifier[i]);
    printf("\n");
    return 0;
  }
  if (argc >= 4 && strcmp(argv[1], "set") == 0) {
    struct fscrypt_policy_v2 p = { .version = FSCRYPT_POLICY_V2,
      .contents_encryption_mode = argc > 4 ? atoi(argv[4]) : FSCRYPT_MODE_AES_256_XTS,
      .filenames_encryption_mode = argc > 5 ? atoi(argv[5]) : FSCRYPT_MODE_AES_256_CTS,
      .flags = FSCRYPT_POLICY_FLAGS_PAD_32 };
    parse_identifier(argv[3], p.master_key_identifier);
    if (ioctl(open_or_die(argv[2]), FS_IOC_SET_ENCRYPTION_POLICY, &p) < 0) { perror("FS_IOC_SET_ENCRYPTION_POLICY"); return 1; }
    return 0;
  }
  if (argc >= 4 && strcmp(argv[1], "remove") == 0) {
    struct fscrypt_remove_key_arg r = { .key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER };
    parse_identifier(argv[3], r.key_spec.u.identifier);
    if (ioctl(open_or_die(argv[2]), FS_IOC_REMOVE_ENCRYPTION_KEY, &r) < 0) { perror("FS_IOC_REMOVE_ENCRYPTION_KEY"); return 1; }
    printf("removed, status flags 0x%x\n", r.removal_status_flags);
    return 0;
  }
  fprintf(stderr, "usage: %s add <mnt> | set <dir> <id> [contents names] | remove <mnt> <id>\n", argv[0]);
  return 2;
}
