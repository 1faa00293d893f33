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

/* The interrupts Linux took for the OP-TEE driver's asynchronous
   notifications (the SMC ABI's "optee_notification" line in
   /proc/interrupts, summed over the CPUs); -1 when there is no such line. */
static long optee_notification_interrupts(void) {
  static char text[16384];
  int fd = open("/proc/interrupts", O_RDONLY), n, len = 0;
  while (fd >= 0 && len < (int)sizeof text - 1 && (n = read(fd, text + len, sizeof text - 1 - len)) > 0) len += n;
  if (fd >= 0) close(fd);
  text[len] = 0;
  static const char name[] = "optee_notification";
  char* at = 0;
  for (int i = 0; !at && i + (int)sizeof name - 1 <= len; i++)
    if (!memcmp(text + i, name, sizeof name - 1)) at = text + i; /* nolibc has no strstr */
  if (!at) return -1;
  while (at > text && at[-1] != '\n') at--;
  while (*at && *at != ':') at++; /* past the IRQ number */
  long total = 0;
  for (;;) {
    while (*at == ':' || *at == ' ') at++;
    if (*at < '0' || *at > '9') break; /* the controller's name: the counts are over */
    long count = 0;
    while (*at >= '0' && *at <= '9') count = count * 10 + (*at++ - '0');
    total += count;
  }
  return total;
}

/* The FF-A partitions Linux's FF-A driver found: it puts a device for each
   on its bus (arm-ffa-N); 0 when there is no such bus. */
static int ffa_devices(void) {
  static char buf[4096];
  int fd = open("/sys/bus/arm_ffa/devices", O_RDONLY | O_DIRECTORY), n, count = 0;
  if (fd < 0) return 0;
  while ((n = getdents64(fd, (struct linux_dirent64*)buf, sizeof buf)) > 0)
    for (int at = 0; at < n;) {
      const struct linux_dirent64* d = (const struct linux_dirent64*)(buf + at);
      if (!memcmp(d->d_name, "arm-ffa-", 8)) count++;
      at += d->d_reclen;
    }
  close(fd);
  return count;
}

/* CPU `cpu` offline (on = 0) or online (1) through sysfs: Linux's PSCI
   CPU_OFF from that CPU, or CPU_ON for it. Whether Linux took it. */
static int set_online(int cpu, int on) {
  char path[] = "/sys/devices/system/cpu/cpu0/online";
  path[27] = (char)('0' + cpu);
  int fd = open(path, O_WRONLY);
  if (fd < 0) return 0;
  int ok = write(fd, on ? "1" : "0", 1) == 1;
  close(fd);
  return ok;
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
  printf("tessera-init: FF-A devices %d\n", ffa_devices());
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
  /* CPU hotplug: each secondary CPU goes offline (PSCI CPU_OFF: the
     secure world is told first, and its partitions that asked) and comes
     back (CPU_ON: the secure world's cold boot on it first). */
  int cycled = 0;
  for (int cpu = 1; cpu < cpus && cpu < 10; cpu++)
    if (set_online(cpu, 0) && set_online(cpu, 1)) cycled++;
  printf("tessera-init: CPU hotplug: %d of %d secondary CPUs went offline and came back\n", cycled, cpus - 1);
  long notifications = optee_notification_interrupts();
  if (notifications >= 0)
    printf("tessera-init: optee_notification interrupts %ld\n", notifications);
  else
    printf("tessera-init: no optee_notification interrupt\n");
  printf("tessera-init: done, powering off\n");
  reboot(LINUX_REBOOT_CMD_POWER_OFF);
  return 0;
}
