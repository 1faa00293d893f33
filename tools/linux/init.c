/*
 * The first (and only) user-space program of the Linux normal world that
 * ships with Tessera: it checks what a TEE client would rely on, prints
 * one line per check for the system test, and powers the machine off.
 * Built against the kernel tree's own freestanding libc (tools/include/
 * nolibc), so the image needs nothing from Debian's arm64 userland.
 */
struct tee_version {
  unsigned int impl_id, impl_caps, gen_caps;
};
#define TEE_IOC_VERSION 0x800ca400u /* _IOR(0xa4, 0, struct tee_version) */
#define TEE_IMPL_ID_OPTEE 1

static int exists(const char* path) {
  struct stat st;
  return stat(path, &st) == 0;
}

int main(void) {
  mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
  mount("proc", "/proc", "proc", 0, 0);
  mount("sysfs", "/sys", "sysfs", 0, 0);
  printf("tessera-init: /dev/tee0 %s\n", exists("/dev/tee0") ? "present" : "MISSING");
  printf("tessera-init: /dev/teepriv0 %s\n", exists("/dev/teepriv0") ? "present" : "MISSING");
  int fd = open("/dev/tee0", O_RDWR);
  struct tee_version v = {0, 0, 0};
  if (fd >= 0 && ioctl(fd, TEE_IOC_VERSION, &v) == 0)
    printf("tessera-init: TEE implementation %u (%s), capabilities 0x%x\n", v.impl_id,
           v.impl_id == TEE_IMPL_ID_OPTEE ? "OP-TEE" : "other", v.gen_caps);
  else
    printf("tessera-init: TEE_IOC_VERSION failed\n");
  if (fd >= 0) close(fd);
  char buf[4096];
  int n, cpus = 0, cpuinfo = open("/proc/cpuinfo", O_RDONLY);
  while (cpuinfo >= 0 && (n = read(cpuinfo, buf, sizeof buf)) > 0)
    for (int i = 0; i + 9 < n; i++)
      if (!memcmp(buf + i, "processor", 9)) cpus++;
  printf("tessera-init: %d CPUs online\n", cpus);
  /* Debian's OP-TEE client, when the image carries it: tee-supplicant
     serves the trusted OS's requests in the background, and a TEE Client
     API program runs to its end. */
  if (exists("/usr/bin/teec-check")) {
    char* env[] = {"PATH=/usr/sbin:/usr/bin", 0};
    char* supplicant[] = {"/usr/sbin/tee-supplicant", 0};
    char* check[] = {"/usr/bin/teec-check", 0};
    if (fork() == 0) {
      execve(supplicant[0], supplicant, env);
      printf("tessera-init: cannot start tee-supplicant\n");
      exit(1);
    }
    int status = 0;
    pid_t pid = fork();
    if (pid == 0) {
      execve(check[0], check, env);
      printf("tessera-init: cannot start teec-check\n");
      exit(1);
    }
    waitpid(pid, &status, 0);
    printf("tessera-init: teec-check exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  printf("tessera-init: done, powering off\n");
  reboot(LINUX_REBOOT_CMD_POWER_OFF);
  return 0;
}
