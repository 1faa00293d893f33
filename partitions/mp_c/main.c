/*
 * mp-c: a multi-processor S-EL1 partition in plain C, written against the
 * FF-A specification alone (no Tessera headers, its own start-up code, its
 * own MMU set-up), as a partition built for another S-EL2 SPMC would be.
 * One execution context per CPU: the first starts at the image's entry
 * with the boot information in x0 and registers where the others start
 * (FFA_SECONDARY_EP_REGISTER); each then waits for direct requests.
 *
 * Requests (x3 = command; the answer comes in the request's width):
 *   0 ECHO:  x4-x7 back as they came.
 *   1 WHO:   x4 = the vCPU answering (MPIDR_EL1.Aff0), x5 = its exception
 *            level, x6 = 1 when its MMU is on, x7 = 1 when the boot
 *            information named an FDT (its manifest).
 *   2 SPIN:  counts to x4, then answers x4 = the count reached, x5 = 0.
 *            Cut short by the managed exit signal (a normal-world
 *            interrupt, where its manifest asks for managed exit): answers
 *            at once, x4 = the count reached so far, x5 = the signal's ID.
 *   3 TOUCH: x4 = the 8 bytes at address x4 (memory not its own faults at
 *            stage 2: the SPMC stops the partition).
 *   4 SMC_ID: x4 = its own ID from FFA_ID_GET made by SMC (trapped by the
 *            SPMC) rather than HVC.
 *   5 PSCI:  x4 = PSCI_VERSION's answer to it (partitions take no part in
 *            PSCI: the SPMC answers NOT_SUPPORTED).
 *   6 PMU:   x4 = PMCR_EL0 (the SPMC traps the performance monitors and
 *            the debug registers: the partition is stopped instead).
 *   8 SVE:   enables SVE at EL1 (CPACR_EL1) and reads its vector length
 *            in bytes (RDVL) into x4 (an SPMC that gives partitions no SVE
 *            stops the partition instead).
 *   9 FP_SET: v0-v31 = x4, x4 + 1, ... (their low 64 bits), FP/SIMD used
 *            as a partition built without -mgeneral-regs-only would.
 *   10 FP_CHECK: x4 = 1 when v0-v31 still hold x4, x4 + 1, ... (the SPMC
 *            keeps each vCPU's FP/SIMD registers its own).
 *   13 HF_GET: x4 = Hafnium's HF_INTERRUPT_GET (0xFF04) answer: the ID of
 *            its pending interrupt, 0xFFFFFFFF for none (it owns none).
 *   12 TIMER: sets its EL1 physical timer (which the SPMC emulates: the
 *            timer is one for both worlds) x4 counter ticks from now
 *            through CNTP_TVAL_EL0 (a signed 32-bit count: negative is
 *            already past), its interrupt masked at the timer when x5 bit
 *            0 is set; with x5 bit 1 its IRQs stay masked until it waits
 *            again (a deadline that passes meanwhile then comes with
 *            FFA_INTERRUPT, never in place); x4 = 0 turns it off. x4 = CNTP_CTL_EL0, x5 = CNTP_CVAL_EL0, x6 =
 *            CNTP_TVAL_EL0 read back, x7 = timer interrupts handled so far
 *            (its handler turns the timer off and ends the interrupt,
 *            Hafnium's HF_VIRTUAL_TIMER_INTID, 3).
 *   7 BORROW: retrieves transaction x4 of lender x6 (0: the normal
 *            world; FFA_MEM_RETRIEVE_REQ through its TX buffer), writes x5's low byte at
 *            the start of every page it got and the page's index after it,
 *            reads them back, relinquishes it; x4 = pages touched, x5 = 0
 *            or the FF-A error of the step that failed, x6 = the pages
 *            the retrieve response counted. One at a time: the RX/TX pair
 *            is the partition's, not a context's.
 *   14 RAISE: takes the PL031 RTC's alarm interrupt (SPI 34;
 *            HF_INTERRUPT_ENABLE as an IRQ; x5 = its answer, -1 where the
 *            RTC is not this partition's) and sets the alarm for now,
 *            which asserts it. With
 *            x4 = 0 it waits (up to half a second) for its handler to deal
 *            with it (a virtual IRQ while it runs, wherever the interrupt
 *            is routed); 1: with its IRQs masked it answers at once; 2:
 *            with its IRQs
 *            masked it waits a little and answers, the interrupt untaken.
 *            x4 = events its handler counted meanwhile.
 *   15 STATUS: x4 = device interrupts handled, x5 = the last ID
 *            HF_INTERRUPT_GET gave, x6 = times it was run with
 *            FFA_INTERRUPT (out of FFA_MSG_WAIT), x7 = managed exit
 *            signals taken.
 *   16 GIVE: puts x7 in the first 8 bytes of its lendable page (one page
 *            of its data, at a page boundary) and shares it (x4 = 0) or
 *            lends it (x4 = 1) to partition x5 by FFA_MEM_SHARE_64 or
 *            FFA_MEM_LEND_64 from its TX buffer; x6 = the address to give
 *            (0: its lendable page). x4 = the handle, x5 = 0 or the FF-A
 *            error, x6 = the address given.
 *   17 RECLAIM: FFA_MEM_RECLAIM of handle x4: x5 = 0 or the FF-A error;
 *            x4 = the first 8 bytes of its lendable page once it is back.
 *   18 PEEK: x4 = the first 8 bytes of its lendable page (lent away, the
 *            SPMC's stage 2 stops it there: a fault, and it is stopped).
 *   19 BIND: FFA_NOTIFICATION_BIND of notifications x5 (global) from
 *            sender x4 (0: the normal world): x4 = its w0, x5 = its w2.
 *   20 NOTIFIED: x4 = the notifications its NPI handler got from the
 *            normal world, x5 = NPIs taken, x6 = those got from partitions
 *            (needs notification-support in its manifest).
 *   21 VTIMER_SET: arms its EL1 virtual timer x4 counter ticks from now,
 *            its interrupt masked (CNTV_CTL_EL0 ENABLE | IMASK), or turns
 *            it off (x4 = 0): x4 = the deadline (CNTV_CVAL_EL0).
 *   22 VTIMER_READ: x4 = CNTV_CTL_EL0 (bit 2, ISTATUS: the deadline has
 *            passed), x5 = CNTV_CVAL_EL0.
 *   23 TIMER_READ: x4 = CNTP_CTL_EL0, x5 = CNTP_CVAL_EL0, x6 = timer
 *            interrupts handled, x7 = the physical counter.
 *   24 SVE_SET: with SVE enabled at EL1 (as 8), z0-z31 = x4, x4 + 1,
 *            ... in every 64-bit element, p<n> the predicate of the first
 *            (x4 + n) % (elements + 1) elements, FFR every byte's (x4
 *            odd) or the first half's (sve.S). x4 = the vector length in
 *            bytes.
 *   25 SVE_CHECK: x4 = 1 when z0-z31, p0-p15 and FFR still hold what
 *            SVE_SET x4 put there (the SPMC keeps each vCPU's SVE state
 *            its own).
 *   26 FORWARD: SVE_SET x4, then a direct request (64-bit) to partition
 *            x5 with command x6 and x7 as its x4, then SVE_CHECK x4:
 *            another vCPU runs on this CPU in the middle of its own call
 *            (its manifest must allow it to send direct requests: mp-c's
 *            does). x4 =
 *            the check, x5 = the answer's x4, or 0xE0000000 | the FF-A
 *            error when there was no answer.
 *   27 EL1_SET: TPIDR_EL1 = x4 (an EL1 register the SPMC switches with
 *            the vCPU and nothing here uses): x4 = the value it replaced.
 *   28 EL1_GET: x4 = TPIDR_EL1 (a UP vCPU's, wherever it runs now: the
 *            SPMC must have carried what the last CPU left in it).
 *   29 BOOTS: x4 = how many times this CPU's secondary context has
 *            cold-booted (its secondary entry), x5 = the physical counter
 *            when it last did (0 and 0 for context 0).
 *   30 POWER: x4 = how many PSCI CPU_OFF messages this CPU's contexts
 *            were told of (its manifest asks for them:
 *            power-management-messages), x5 = the physical counter at the
 *            last. With x5 = 1 in the request, the next one on this CPU is
 *            answered as x4 says: 0 agreed (the framework power management
 *            response, PSCI SUCCESS), 1 DENIED, 2 a partition message
 *            instead of the framework response; the one after is agreed
 *            again.
 *   31 UNDEF_PROBE: touches what the secure world does not have, and
 *            reports the UNDEF it takes (start.S counts and steps over
 *            each): x4 = 0 reads TPIDR2_EL0, 1 SMPRI_EL1 (SME's), 2 reads
 *            CNTPS_CTL_EL1 and 3 writes it with 0 (the secure physical
 *            timer: the SPMC's). x4 = UNDEFs taken (1 expected), x5 = the
 *            value read (0 when none).
 *   32 WAIT_NPI: waits, its IRQs unmasked, up to x4 counter ticks for
 *            its NPI handler to take a notification pending interrupt
 *            (one the SPMC raises while it runs: the notification may be
 *            set on another CPU): x4 = NPIs taken meanwhile, x5 = the
 *            ticks it waited.
 * Framework messages (w2 bit 31): PSCI CPU_OFF (type 0, w3 0x84000002),
 * from the SPMC, is answered with the power management response (type 2),
 * w3 = PSCI SUCCESS unless POWER said otherwise (and logged the first time
 * on each CPU); any other, with NOT_SUPPORTED (-1) in w3.
 * Anything else: x3 = 0xFFFFFFFF.
 *
 * Interrupts: IRQ and FIQ are unmasked once it serves; its handler
 * (partition_interrupt) takes each pending interrupt with HF_INTERRUPT_GET:
 * the managed exit signal (its ID from FFA_FEATURES) stops a SPIN, the
 * RTC's is quietened at the device and ended (HF_INTERRUPT_DEACTIVATE).
 */
#include <stdint.h>

#include "ffa_call.h"

/* UNDEFs each vCPU took at EL1 and stepped over (start.S). */
volatile uint64_t undefs_taken[8];

extern char tables[];  /* two 4 KiB tables (mp.ld): level 1 and level 2 */

/* sve.S: SVE_SET and SVE_CHECK's patterns. */
uint64_t mp_sve_set(uint64_t base);
uint64_t mp_sve_check(uint64_t base);

/* SVE and FP/SIMD enabled at EL1 (CPACR_EL1.ZEN, FPEN): only the SPMC's
   own traps stand between an SVE instruction and the hardware. */
static void sve_enable(void) {
  __asm__ volatile(
      "mrs x9, cpacr_el1\n"
      "orr x9, x9, #(3 << 16)\n"
      "orr x9, x9, #(3 << 20)\n"
      "msr cpacr_el1, x9\n"
      "isb\n" ::: "x9");
}

/* Its RX/TX pair, in its memory region, mapped with FFA_RXTX_MAP_64. */
static uint8_t g_tx[4096] __attribute__((aligned(4096)));
static uint8_t g_rx[4096] __attribute__((aligned(4096)));
/* A page of its own memory that it gives away (commands 16-18). */
static volatile uint64_t g_lendable[512] __attribute__((aligned(4096)));

static uint16_t g_id;
static uint64_t g_boot_ok;
/* Each secondary context's cold boots (its secondary entry, once at each
 * CPU_ON of its CPU) and the physical counter at the last one: BOOTS. */
#define MAX_VCPUS 8
static volatile uint64_t g_boots[MAX_VCPUS];
static volatile uint64_t g_booted_at[MAX_VCPUS];
/* PSCI CPU_OFF messages: per CPU, how many, when the last, and how the
   next is answered (POWER). */
static volatile uint64_t g_offs[MAX_VCPUS];
static volatile uint64_t g_off_at[MAX_VCPUS];
static volatile uint64_t g_off_answer[MAX_VCPUS];

/* Interrupts (partition_interrupt): counts, and per vCPU whether the
   managed exit signal came (its ID from FFA_FEATURES). */
static uint32_t g_me_intid = HF_INVALID_INTID, g_npi_intid = HF_INVALID_INTID;
static volatile uint64_t g_from_vms, g_from_sps, g_npis;
static volatile uint32_t g_me_pending[8];
static volatile uint64_t g_events, g_last_intid, g_interrupt_entries, g_managed_exits, g_timer_events;
#define HF_VIRTUAL_TIMER_INTID 3u

/* QEMU virt's PL031 real-time clock (its manifest's device region, where
   it has it): its alarm interrupt, level-triggered on SPI 2 (ID 34), is
   raised once the match register equals the count (seconds) while it is
   unmasked, and held until cleared. (The PL061 GPIO, which irq-c drove
   before, is gpio-driver's in sel2-spmc, as in sel1-spmc.) */
#define RTC_BASE 0x09010000u
#define RTC_SPI 34u
#define RTC_DR 0x00u
#define RTC_MR 0x04u
#define RTC_IMSC 0x10u
#define RTC_RIS 0x14u
#define RTC_ICR 0x1Cu
static volatile uint32_t* rtc(uint32_t offset) { return (volatile uint32_t*)(uint64_t)(RTC_BASE + offset); }

static uint64_t read_mpidr(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
  return v;
}

static uint32_t be32(const uint8_t* p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Identity map, 39-bit VA, 4 KiB granule, starting at level 1: the 1 GiB
   at 0 through a level-2 table of 2 MiB blocks, the secure RAM that holds
   the partitions (0x0e000000-0x0f000000) as Normal write-back memory; the
   normal world's DRAM (1 GiB at 0x40000000, QEMU -m 1G) as non-secure
   Normal memory (NS bit), for what the normal world shares. The SPMC's
   stage 2 decides which of it is really this partition's. */
static void build_tables(void) {
  uint64_t* l1 = (uint64_t*)tables;
  uint64_t* l2 = (uint64_t*)(tables + 4096);
  for (int i = 0; i < 512; ++i) l1[i] = l2[i] = 0;
  l1[0] = (uint64_t)l2 | 3; /* table */
  l1[1] = 0x40000000u | (1u << 10) | (3u << 8) | (1u << 5) /* NS */ | 1;
  for (uint64_t pa = 0x0e000000; pa < 0x0f000000; pa += 0x200000)
    l2[pa >> 21] = pa | (1u << 10) /* AF */ | (3u << 8) /* inner shareable */ | (0u << 2) /* MAIR 0 */ | 1;
  /* The 2 MiB of devices that holds the PL031 (0x09000000), Device-nGnRE
     (MAIR 1), never executable (PXN, UXN). */
  l2[RTC_BASE >> 21] = (RTC_BASE & ~0x1FFFFFu) | (1u << 10) | (1u << 2) | (3ull << 53) | 1;
}

static void mmu_on(void) {
  const uint64_t tcr =
      25 | (1u << 8) | (1u << 10) | (3u << 12) | (1u << 23) /* EPD1 */ | (2ull << 30) /* TG1 4K */ | (2ull << 32);
  __asm__ volatile(
      "msr mair_el1, %0\n"
      "msr tcr_el1, %1\n"
      "msr ttbr0_el1, %2\n"
      "dsb sy\n"
      "tlbi vmalle1\n"
      "dsb sy\n"
      "isb\n"
      "mrs x9, sctlr_el1\n"
      "orr x9, x9, #(1 << 0)\n"  /* M */
      "orr x9, x9, #(1 << 2)\n"  /* C */
      "orr x9, x9, #(1 << 12)\n" /* I */
      "msr sctlr_el1, x9\n"
      "mrs x9, cpacr_el1\n"
      "orr x9, x9, #(3 << 20)\n" /* FPEN: FP/SIMD at EL1 and EL0 */
      "msr cpacr_el1, x9\n"
      "isb\n" ::"r"((uint64_t)0x04FF) /* MAIR 0 Normal write-back, 1 Device-nGnRE */,
      "r"(tcr), "r"((uint64_t)tables)
      : "x9", "memory");
}

static unsigned vcpu(void) { return (unsigned)(read_mpidr() & 7); }

static uint64_t counter(void) {
  uint64_t v;
  __asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(v) : : "memory");
  return v;
}
static uint64_t counter_frequency(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
  return v;
}

/* Command 32. */
static void wait_npi(uint64_t ticks, struct ffa_args* r) {
  const uint64_t before = g_npis, start = counter();
  while (g_npis == before && counter() - start < ticks) {
  }
  r->x[4] = g_npis - before;
  r->x[5] = counter() - start;
}

/* Counts to n, looking for the managed exit signal every 4096 rounds; *cut
   = its ID if it came first. */
static uint64_t spin(uint64_t n, uint64_t* cut) {
  const unsigned me = vcpu();
  uint64_t i = 0;
  while (i < n) {
    if (g_me_pending[me]) {
      g_me_pending[me] = 0;
      *cut = g_me_intid;
      break;
    }
    const uint64_t stop = n - i > 4096 ? i + 4096 : n;
    while (i < stop) __asm__ volatile("add %0, %0, #1" : "+r"(i));
  }
  return i;
}

/* A virtual IRQ or FIQ (start.S): every interrupt the SPMC has pending for
   this partition, taken and dealt with. */
void partition_interrupt(void) {
  for (;;) {
    const uint32_t id = (uint32_t)ffa_hvc((struct ffa_args){{HF_INTERRUPT_GET, 0, 0, 0, 0, 0, 0, 0}}).x[0];
    if (id == HF_INVALID_INTID) return;
    g_last_intid = id;
    if (id == g_me_intid) {
      /* Purely virtual: nothing to end. The SPIN in hand answers early. */
      g_me_pending[vcpu()] = 1;
      __atomic_fetch_add(&g_managed_exits, 1, __ATOMIC_RELAXED);
      continue;
    }
    if (id == g_npi_intid) {
      /* Notifications pending for it: take them all (from partitions and
         from the normal world). Purely virtual: nothing to end. */
      const struct ffa_args n = ffa_hvc(
          (struct ffa_args){{FFA_NOTIFICATION_GET, (uint64_t)vcpu() << 16 | g_id, 3, 0, 0, 0, 0, 0}});
      if ((uint32_t)n.x[0] == FFA_SUCCESS_32) {
        g_from_sps |= (n.x[2] & 0xFFFFFFFFu) | (n.x[3] & 0xFFFFFFFFu) << 32;
        g_from_vms |= (n.x[4] & 0xFFFFFFFFu) | (n.x[5] & 0xFFFFFFFFu) << 32;
      }
      __atomic_fetch_add(&g_npis, 1, __ATOMIC_RELAXED);
      continue;
    }
    if (id == HF_VIRTUAL_TIMER_INTID) {
      /* Its timer: off (the level it keeps would bring it back), then
         ended below. */
      __asm__ volatile("msr cntp_ctl_el0, xzr\n isb" ::: "memory");
      __atomic_fetch_add(&g_timer_events, 1, __ATOMIC_RELAXED);
    }
    if (id == RTC_SPI) {
      /* Quieten the device first (alarm masked and cleared), or the
         level-triggered line comes straight back once ended. */
      *rtc(RTC_IMSC) = 0;
      *rtc(RTC_ICR) = 1;
      __atomic_fetch_add(&g_events, 1, __ATOMIC_RELAXED);
    }
    ffa_hvc((struct ffa_args){{HF_INTERRUPT_DEACTIVATE, id, id, 0, 0, 0, 0, 0}});
  }
}

/* Command 14. */
static void raise_rtc(uint64_t mode, struct ffa_args* r) {
  const uint64_t before = g_events;
  const int no_wait = mode != 0;
  /* Modes 1 and 2: its IRQs masked, so that the interrupt it raises is
     still untaken when it answers (the SPMC holds it back and announces
     it with FFA_INTERRUPT once it waits), even where it reaches it in
     place, raised on another CPU. */
  if (mode != 0) __asm__ volatile("msr daifset, #2" ::: "memory");
  r->x[5] = ffa_hvc((struct ffa_args){{HF_INTERRUPT_ENABLE, RTC_SPI, 1, 0, 0, 0, 0, 0}}).x[0];
  if (r->x[5] != 0) return; /* not its device: never touched */
  *rtc(RTC_IMSC) = 0;
  *rtc(RTC_ICR) = 1;
  *rtc(RTC_IMSC) = 1;
  /* The alarm fires when the match equals the count: now, unless the
     second turned between the read and the write (then again). */
  for (unsigned tries = 0; tries < 4 && !(*rtc(RTC_RIS) & 1); ++tries) *rtc(RTC_MR) = *rtc(RTC_DR);
  const uint64_t start = counter();
  while (!no_wait && g_events == before && counter() - start < counter_frequency() / 2) {
  }
  /* (Masked: long enough for the interrupt to reach the SPMC meanwhile.) */
  for (uint64_t i = 0; mode == 2 && i < 100000; ++i) __asm__ volatile("" ::: "memory");
  r->x[4] = g_events - before;
}

static void put(uint8_t* p, unsigned off, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) p[off + i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get(const uint8_t* p, unsigned off, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= (uint64_t)p[off + i] << (8 * i);
  return v;
}

/* Writes `pattern` and the page's index at the start of each page of the
   constituents in rx[from, to) that start at or after `first` (the
   composite's first constituent); returns how many pages it touched and
   read back right. */
static uint64_t touch(unsigned from, unsigned to, unsigned first, uint8_t pattern, uint64_t* index) {
  uint64_t good = 0;
  for (unsigned at = from > first ? from : first; at + 16 <= to; at += 16) {
    const uint64_t address = get(g_rx, at - from, 8);
    const uint64_t pages = get(g_rx, at - from + 8, 4);
    for (uint64_t p = 0; p < pages; ++p, ++*index) {
      volatile uint64_t* page = (volatile uint64_t*)(address + p * 4096);
      page[0] = pattern;
      page[1] = *index;
      good += page[0] == pattern && page[1] == *index;
    }
  }
  return good;
}

/* Command 7: retrieve, touch, relinquish (FF-A v1.2 descriptors). */
static void borrow(uint64_t handle, uint8_t pattern, uint16_t sender, struct ffa_args* r) {
  for (int i = 0; i < 80; ++i) g_tx[i] = 0;
  put(g_tx, 0, sender, 2);         /* the lender */
  put(g_tx, 2, 0, 2);              /* memory attributes: as the lender gave them */
  put(g_tx, 4, 1u << 10, 4);       /* flags: this borrower alone */
  put(g_tx, 8, handle, 8);
  put(g_tx, 24, 32, 4);            /* access descriptor size (v1.2) */
  put(g_tx, 28, 1, 4);             /* one: us */
  put(g_tx, 32, 48, 4);            /* at 48 */
  put(g_tx, 48, g_id, 2);
  struct ffa_args a = ffa_hvc((struct ffa_args){{FFA_MEM_RETRIEVE_REQ_64, 80, 80, 0, 0, 0, 0, 0}});
  if ((uint32_t)a.x[0] != FFA_MEM_RETRIEVE_RESP) {
    r->x[5] = a.x[2] & 0xFFFFFFFFu;
    return;
  }
  const uint32_t total = (uint32_t)a.x[1];
  uint32_t received = (uint32_t)a.x[2];
  const unsigned access = (unsigned)get(g_rx, 32, 4);
  const unsigned composite = (unsigned)get(g_rx, access + 4, 4);
  r->x[6] = get(g_rx, composite, 4);
  const unsigned first = composite + 16;
  uint64_t index = 0, good = touch(0, received, first, pattern, &index);
  ffa_hvc((struct ffa_args){{FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0}});
  while (received < total) {
    a = ffa_hvc((struct ffa_args){{FFA_MEM_FRAG_RX, handle & 0xFFFFFFFFu, handle >> 32, received, 0, 0, 0, 0}});
    if ((uint32_t)a.x[0] != FFA_MEM_FRAG_TX) {
      r->x[5] = a.x[2] & 0xFFFFFFFFu;
      return;
    }
    const uint32_t length = (uint32_t)a.x[3];
    good += touch(received, received + length, first, pattern, &index);
    received += length;
    ffa_hvc((struct ffa_args){{FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0}});
  }
  r->x[4] = good;
  for (int i = 0; i < 24; ++i) g_tx[i] = 0;
  put(g_tx, 0, handle, 8);
  put(g_tx, 12, 1, 4);  /* one endpoint: us */
  put(g_tx, 16, g_id, 2);
  a = ffa_hvc((struct ffa_args){{FFA_MEM_RELINQUISH, 0, 0, 0, 0, 0, 0, 0}});
  if ((uint32_t)a.x[0] != FFA_SUCCESS_32) r->x[5] = a.x[2] & 0xFFFFFFFFu;
}

/* Command 16: a transaction of one page of its own memory, to one
   partition, in FF-A v1.2's layout: the transaction descriptor (48 bytes),
   one endpoint memory access descriptor (32), the composite descriptor
   (16) and its one constituent (16). */
static void give(uint64_t lend, uint16_t to, uint64_t address, uint64_t value, struct ffa_args* r) {
  if (!address) address = (uint64_t)g_lendable;
  if (address == (uint64_t)g_lendable) g_lendable[0] = value;
  for (int i = 0; i < 112; ++i) g_tx[i] = 0;
  put(g_tx, 0, g_id, 2);
  /* A share: Normal memory, write-back, inner shareable. A lend to one
     borrower: not specified, the borrower's to choose. */
  put(g_tx, 2, lend ? 0 : 0x2F, 2);
  put(g_tx, 24, 32, 4);             /* access descriptor size */
  put(g_tx, 28, 1, 4);              /* one borrower */
  put(g_tx, 32, 48, 4);             /* at 48 */
  put(g_tx, 48, to, 2);
  put(g_tx, 50, 2, 1);              /* read-write (instruction access: the SPMC's to say) */
  put(g_tx, 52, 80, 4);             /* composite at 80 */
  put(g_tx, 80, 1, 4);              /* one page ... */
  put(g_tx, 84, 1, 4);              /* ... in one range */
  put(g_tx, 96, address, 8);
  put(g_tx, 104, 1, 4);
  const struct ffa_args a =
      ffa_hvc((struct ffa_args){{lend ? FFA_MEM_LEND_64 : FFA_MEM_SHARE_64, 112, 112, 0, 0, 0, 0, 0}});
  if ((uint32_t)a.x[0] != FFA_SUCCESS_32) {
    r->x[5] = a.x[2] & 0xFFFFFFFFu;
    return;
  }
  r->x[4] = (a.x[2] & 0xFFFFFFFFu) | a.x[3] << 32;
  r->x[6] = address;
}

/* A framework message (w2 bit 31; FF-A v1.2 section 18.2): PSCI CPU_OFF,
   from the SPMC, before this CPU goes off. */
#define FWK_BIT 0x80000000u
#define FWK_PSCI 0u
#define FWK_POWER_RESPONSE 2u
#define PSCI_CPU_OFF 0x84000002u
static struct ffa_args framework(const struct ffa_args* req) {
  const uint64_t w1 = req->x[1] & 0xFFFFFFFFu;
  struct ffa_args r = {{FFA_MSG_SEND_DIRECT_RESP_32, ((w1 << 16) | (w1 >> 16)) & 0xFFFFFFFFu,
                        FWK_BIT | FWK_POWER_RESPONSE, 0xFFFFFFFFu /* NOT_SUPPORTED */, 0, 0, 0, 0}};
  if ((req->x[2] & 0xFF) != FWK_PSCI || (uint32_t)req->x[3] != PSCI_CPU_OFF) return r;
  const uint64_t me = vcpu();
  uint64_t now;
  __asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(now));
  g_offs[me] = g_offs[me] + 1;
  g_off_at[me] = now;
  if (g_offs[me] == 1) {
    static const char kFirst[] = "told of CPU_OFF on CPU ";
    char line[sizeof kFirst + 20];
    unsigned n = 0;
    for (; kFirst[n]; ++n) line[n] = kFirst[n];
    line[n++] = (char)('0' + me);
    const char* rest = " (the first time)\n";
    while (*rest) line[n++] = *rest++;
    line[n] = 0;
    ffa_log(line);
  }
  const uint64_t how = g_off_answer[me];
  g_off_answer[me] = 0;
  r.x[3] = how == 1 ? 0xFFFFFFFDu /* DENIED */ : 0 /* SUCCESS */;
  if (how == 2) r.x[2] = 0; /* a partition message: not what was asked */
  return r;
}

static struct ffa_args answer(const struct ffa_args* req) {
  const uint32_t fid = (uint32_t)req->x[0];
  const uint64_t w1 = req->x[1] & 0xFFFFFFFFu;
  if (req->x[2] & FWK_BIT) return framework(req);
  struct ffa_args r = {{fid == FFA_MSG_SEND_DIRECT_REQ_64 ? FFA_MSG_SEND_DIRECT_RESP_64 : FFA_MSG_SEND_DIRECT_RESP_32,
                        ((w1 << 16) | (w1 >> 16)) & 0xFFFFFFFFu, 0, req->x[3], 0, 0, 0, 0}};
  uint64_t el, sctlr;
  switch (req->x[3]) {
    case 0:
      for (int i = 4; i < 8; ++i) r.x[i] = req->x[i];
      break;
    case 1:
      __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
      __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
      r.x[4] = read_mpidr() & 0xFF;
      r.x[5] = (el >> 2) & 3;
      r.x[6] = sctlr & 1;
      r.x[7] = g_boot_ok;
      break;
    case 2:
      r.x[4] = spin(req->x[4], &r.x[5]);
      break;
    case 14:
      raise_rtc(req->x[4], &r);
      break;
    case 15:
      r.x[4] = g_events;
      r.x[5] = g_last_intid;
      r.x[6] = g_interrupt_entries;
      r.x[7] = g_managed_exits;
      break;
    case 3:
      r.x[4] = *(volatile const uint64_t*)req->x[4];
      break;
    case 4:
      r.x[4] = ffa_smc((struct ffa_args){{FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0}}).x[2];
      break;
    case 5:
      r.x[4] = ffa_hvc((struct ffa_args){{0x84000000u /* PSCI_VERSION */, 0, 0, 0, 0, 0, 0, 0}}).x[0];
      break;
    case 6:
      __asm__ volatile("mrs %0, pmcr_el0" : "=r"(r.x[4]));
      break;
    case 7:
      borrow(req->x[4], (uint8_t)req->x[5], (uint16_t)req->x[6], &r);
      break;
    case 16:
      give(req->x[4], (uint16_t)req->x[5], req->x[6], req->x[7], &r);
      break;
    case 17: {
      const struct ffa_args a =
          ffa_hvc((struct ffa_args){{FFA_MEM_RECLAIM, req->x[4] & 0xFFFFFFFFu, req->x[4] >> 32, 0, 0, 0, 0, 0}});
      if ((uint32_t)a.x[0] == FFA_SUCCESS_32) {
        r.x[4] = g_lendable[0];
      } else {
        r.x[5] = a.x[2] & 0xFFFFFFFFu;
      }
      break;
    }
    case 18:
      r.x[4] = g_lendable[0];
      break;
    case 19: {
      const struct ffa_args b = ffa_hvc((struct ffa_args){
          {FFA_NOTIFICATION_BIND, (req->x[4] & 0xFFFF) << 16 | g_id, 0, req->x[5] & 0xFFFFFFFFu, req->x[5] >> 32, 0, 0, 0}});
      r.x[4] = b.x[0];
      r.x[5] = b.x[2];
      break;
    }
    case 21: {
      uint64_t now;
      __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(now));
      r.x[4] = now + req->x[4];
      const uint64_t ctl = req->x[4] ? 3 : 0; /* 0 ticks: the timer off */
      __asm__ volatile("msr cntv_cval_el0, %0\n msr cntv_ctl_el0, %1\n isb" ::"r"(r.x[4]), "r"(ctl) : "memory");
      break;
    }
    case 22:
      __asm__ volatile("mrs %0, cntv_ctl_el0" : "=r"(r.x[4]));
      __asm__ volatile("mrs %0, cntv_cval_el0" : "=r"(r.x[5]));
      break;
    case 20:
      r.x[4] = g_from_vms;
      r.x[5] = g_npis;
      r.x[6] = g_from_sps;
      break;
    case 9:
      __asm__ volatile(
          ".arch_extension fp\n .arch_extension simd\n"
          "mov x9, %0\n"
          ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
          "fmov d\\n, x9\n add x9, x9, #1\n"
          ".endr\n" ::"r"(req->x[4])
          : "x9", "memory");
      break;
    case 10:
      __asm__ volatile(
          ".arch_extension fp\n .arch_extension simd\n"
          "mov x9, %1\n mov %0, #1\n"
          ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
          "fmov x10, d\\n\n cmp x10, x9\n csel %0, xzr, %0, ne\n add x9, x9, #1\n"
          ".endr\n"
          : "=&r"(r.x[4])
          : "r"(req->x[4])
          : "x9", "x10", "cc");
      break;
    case 13:
      r.x[4] = ffa_hvc((struct ffa_args){{0xFF04u, 0, 0, 0, 0, 0, 0, 0}}).x[0];
      break;
    case 12: {
      const uint64_t ctl = req->x[4] == 0 ? 0 : ((req->x[5] & 1) ? 3 : 1);
      if (req->x[5] & 2) __asm__ volatile("msr daifset, #2" ::: "memory");
      __asm__ volatile("msr cntp_ctl_el0, xzr\n msr cntp_tval_el0, %0\n msr cntp_ctl_el0, %1\n isb"
                       :
                       : "r"(req->x[4]), "r"(ctl)
                       : "memory");
      __asm__ volatile("mrs %0, cntp_ctl_el0\n mrs %1, cntp_cval_el0\n mrs %2, cntp_tval_el0"
                       : "=r"(r.x[4]), "=r"(r.x[5]), "=r"(r.x[6]));
      r.x[7] = g_timer_events;
      break;
    }
    case 23:
      __asm__ volatile("mrs %0, cntp_ctl_el0\n mrs %1, cntp_cval_el0\n mrs %2, cntpct_el0"
                       : "=r"(r.x[4]), "=r"(r.x[5]), "=r"(r.x[7]));
      r.x[6] = g_timer_events;
      break;
    case 8:
      sve_enable();
      __asm__ volatile(".arch_extension sve\n rdvl %0, #1\n" : "=r"(r.x[4]));
      break;
    case 24:
      sve_enable();
      r.x[4] = mp_sve_set(req->x[4]);
      break;
    case 25:
      sve_enable();
      r.x[4] = mp_sve_check(req->x[4]);
      break;
    case 26: {
      sve_enable();
      mp_sve_set(req->x[4]);
      const struct ffa_args a = ffa_hvc((struct ffa_args){
          {FFA_MSG_SEND_DIRECT_REQ_64, (uint64_t)g_id << 16 | (uint16_t)req->x[5], 0, req->x[6], req->x[7], 0, 0, 0}});
      r.x[4] = mp_sve_check(req->x[4]);
      r.x[5] = a.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 ? a.x[4] : (0xE0000000u | (uint32_t)a.x[2]);
      break;
    }
    case 27:
      __asm__ volatile("mrs %0, tpidr_el1\n msr tpidr_el1, %1" : "=&r"(r.x[4]) : "r"(req->x[4]));
      break;
    case 28:
      __asm__ volatile("mrs %0, tpidr_el1" : "=r"(r.x[4]));
      break;
    case 29: /* BOOTS: this CPU's context's cold boots, and when the last was */
      r.x[4] = g_boots[vcpu()];
      r.x[5] = g_booted_at[vcpu()];
      break;
    case 30: /* POWER: this CPU's CPU_OFF messages; how the next is answered */
      r.x[4] = g_offs[vcpu()];
      r.x[5] = g_off_at[vcpu()];
      if (req->x[5] == 1) g_off_answer[vcpu()] = req->x[4];
      break;
    case 32:
      wait_npi(req->x[4], &r);
      break;
    case 31: { /* UNDEF_PROBE */
      const uint64_t before = undefs_taken[vcpu() & 7];
      uint64_t v = 0;
      switch (req->x[4]) {
        case 0: __asm__ volatile("mov %0, #0\n mrs %0, S3_3_C13_C0_5" : "=&r"(v) : : "memory"); break;
        case 1: __asm__ volatile("mov %0, #0\n mrs %0, S3_0_C1_C2_4" : "=&r"(v) : : "memory"); break;
        case 2: __asm__ volatile("mov %0, #0\n mrs %0, S3_7_C14_C2_1" : "=&r"(v) : : "memory"); break;
        case 3: __asm__ volatile("msr S3_7_C14_C2_1, xzr" : : : "memory"); break;
        default: r.x[3] = 0xFFFFFFFFu; break;
      }
      r.x[4] = undefs_taken[vcpu() & 7] - before;
      r.x[5] = v;
      break;
    }
    default:
      r.x[3] = 0xFFFFFFFFu;
      break;
  }
  if (fid != FFA_MSG_SEND_DIRECT_REQ_64)
    for (int i = 3; i < 8; ++i) r.x[i] &= 0xFFFFFFFFu;
  return r;
}

static void serve(void) {
  /* Virtual IRQ and FIQ from here on: its handler is ready. */
  __asm__ volatile("msr daifclr, #3" ::: "memory");
  struct ffa_args msg = ffa_hvc((struct ffa_args){{FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0}});
  for (;;) {
    const uint32_t fid = (uint32_t)msg.x[0];
    if (fid != FFA_MSG_SEND_DIRECT_REQ_32 && fid != FFA_MSG_SEND_DIRECT_REQ_64) {
      /* FFA_INTERRUPT: its virtual interrupt was taken on the way back
         from the call (partition_interrupt); it waits again. */
      if (fid == FFA_INTERRUPT) __atomic_fetch_add(&g_interrupt_entries, 1, __ATOMIC_RELAXED);
      msg = ffa_hvc((struct ffa_args){{FFA_MSG_WAIT, 0, 0, 0, 0, 0, 0, 0}});
      continue;
    }
    struct ffa_args r = answer(&msg);
    /* A managed exit signal belongs to the request it came in: spent with
       its answer, which goes (and the next request comes) with IRQ and
       FIQ masked, so that none arrives in between. */
    __asm__ volatile("msr daifset, #3" ::: "memory");
    g_me_pending[vcpu()] = 0;
    msg = ffa_hvc(r);
    __asm__ volatile("msr daifclr, #3" ::: "memory");
  }
}

extern void secondary_entry(void);

void partition_main(uint64_t boot_info) {
  build_tables();
  mmu_on();
  /* The boot information blob (FF-A v1.2 "Boot information protocol"):
     signature 0xFFA, descriptors from the offset at +20; the first names
     the manifest, an FDT (type 0), by address. */
  if (boot_info) {
    const uint32_t* header = (const uint32_t*)boot_info;
    const uint8_t* desc = (const uint8_t*)boot_info + header[5];
    if (header[0] == 0xFFA && header[4] >= 1 && desc[16] == 0)
      g_boot_ok = be32((const uint8_t*)*(const uint64_t*)(desc + 24)) == 0xd00dfeed;
  }
  ffa_hvc((struct ffa_args){{FFA_VERSION, 0x10002, 0, 0, 0, 0, 0, 0}});
  g_id = (uint16_t)ffa_hvc((struct ffa_args){{FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0}}).x[2];
  /* The managed exit signal's ID, as the SPMC numbers it. */
  const struct ffa_args mei = ffa_hvc((struct ffa_args){{FFA_FEATURES, FFA_FEATURE_MEI, 0, 0, 0, 0, 0, 0}});
  if (mei.x[0] == FFA_SUCCESS_32) g_me_intid = (uint32_t)mei.x[2];
  /* And the notification pending interrupt's. */
  const struct ffa_args npi = ffa_hvc((struct ffa_args){{FFA_FEATURES, FFA_FEATURE_NPI, 0, 0, 0, 0, 0, 0}});
  if (npi.x[0] == FFA_SUCCESS_32) g_npi_intid = (uint32_t)npi.x[2];
  /* Its RX/TX pair, for memory transactions (one page each). */
  const struct ffa_args map =
      ffa_hvc((struct ffa_args){{FFA_RXTX_MAP_64, (uint64_t)g_tx, (uint64_t)g_rx, 1, 0, 0, 0, 0}});
  if (map.x[0] != FFA_SUCCESS_32) ffa_log("FFA_RXTX_MAP refused\n");
  const struct ffa_args reg =
      ffa_hvc((struct ffa_args){{FFA_SECONDARY_EP_REGISTER_64, (uint64_t)&secondary_entry, 0, 0, 0, 0, 0, 0}});
  /* (A UP instance of this code is told its one context needs none.) */
  ffa_log(reg.x[0] == FFA_SUCCESS_32 ? "context 0 up at S-EL1, MMU on; secondary entry registered\n"
                                     : "context 0 up at S-EL1, MMU on; no secondary entry\n");
  if (!g_boot_ok) ffa_log("no usable boot information\n");
  serve();
}

void secondary_main(uint64_t vcpu) {
  mmu_on(); /* the tables context 0 built */
  if (vcpu < MAX_VCPUS) {
    uint64_t now;
    __asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(now));
    g_booted_at[vcpu] = now;
    g_boots[vcpu] = g_boots[vcpu] + 1;
  }
  serve();
}
