// Fuzz target: the SPMC core with partitions in their own contexts, driven
// as the trusted OS drives it. The input is a stream of events: a call from
// the normal world, or, while a partition runs, a call from it (any
// registers: FF-A calls and Hafnium's HF_INTERRUPT_* calls) or its fault;
// and secure interrupts raised at the modelled interrupt controller, which
// the SPMD hands over with FFA_INTERRUPT. After every step the invariants
// hold: at most one partition runs, answers to the normal world are
// well-formed, aborted partitions never run again, boot ends, and every
// partition interrupt is let through the controller exactly when the core
// says it may be (enabled and not held back), or while it is retriggered.
#include <cstddef>
#include <cstdint>

#include "arch/fake/fake_placement.h"
#include "fuzz_check.h"
#include "fuzz_input.h"
#include "spmc/core.h"

namespace {

constexpr uint32_t kFids[] = {
    0x84000060, 0x84000061, 0x84000063, 0x84000064, 0x84000069, 0x8400006B, 0x8400006F, 0xC400006F,
    0x84000070, 0xC4000070, 0x84000085, 0x8400008A, 0xC400008A, 0x84000068, 0x84000066, 0x840000FF,
    0xC400008D, 0xC400008E, 0x84000086, 0x84000065, 0xC4000088, 0xC4000089, 0xC400008B, 0xC4000087,
    0x8400006D, 0x8400006C, 0x8400007D, 0x8400007F, 0x84000080, 0x84000081, 0x84000082, 0xC4000083};
constexpr uint16_t kIds[] = {0x8001, 0x8002, 0x8003, 0x0000, 0x8000, 0xFFFF, 0x0001};
// Partitions' interrupts (0x8001: 40 and 41, 0x8002: 42), the trusted OS's
// timer, others nobody owns.
constexpr uint32_t kIntids[] = {40, 41, 42, 29, 43, 1020, 1023, 0};
constexpr uint32_t kHfCalls[] = {0xFF03, 0xFF04, 0xFF08};

ffa::Regs regs_from(FuzzInput& in) {
  ffa::Regs r{};
  r.x[0] = kFids[in.byte() % (sizeof(kFids) / sizeof(kFids[0]))];
  const uint16_t s = kIds[in.byte() % 7], d = kIds[in.byte() % 7];
  r.x[1] = (uint64_t{s} << 16) | d;
  const uint8_t shape = in.byte();
  r.x[2] = (shape & 1) ? in.word() : 0;
  for (unsigned i = 3; i < 8; ++i) r.x[i] = (shape & (1u << (i - 2))) ? in.word() : i;
  if (shape & 0x80) {
    // A Hafnium interrupt call: an interrupt ID in x1 (and often x2).
    r.x[0] = kHfCalls[in.byte() % 3];
    r.x[1] = kIntids[in.byte() % 8];
    r.x[2] = (shape & 1) ? r.x[1] : in.byte() % 3;
    r.x[3] = in.byte() % 3;
  }
  return r;
}

// The controller and the core agree on each partition interrupt.
void check_interrupts(const spmc::Core& core, const fake::FakePlacement& placement) {
  unsigned deferred = 0;
  for (size_t i = 0; i < core.partition_count(); ++i) {
    const spmc::Partition& p = core.partition(i);
    for (unsigned k = 0; k < p.interrupt_count; ++k) {
      const spmc::OwnedInterrupt& irq = p.interrupts[k];
      FUZZ_CHECK(!(irq.pending && irq.active));
      FUZZ_CHECK(!irq.signalled || irq.pending);
      FUZZ_CHECK(!irq.retriggered || (irq.pending && !irq.signalled));
      const bool retriggered = irq.pending && !irq.signalled;
      deferred += retriggered ? 1 : 0;
      const bool at_gic = placement.interrupt_enabled(irq.id);
      if (p.state == spmc::PartitionState::aborted) {
        FUZZ_CHECK(!at_gic && !irq.pending && !irq.active);
      } else {
        FUZZ_CHECK(!irq.unmasked() || at_gic);
        FUZZ_CHECK(!at_gic || irq.unmasked() || retriggered);
      }
    }
  }
  FUZZ_CHECK(deferred == core.deferred_interrupts());
}

bool well_formed_answer(const ffa::Regs& r) {
  const uint32_t f = r.w(0);
  return f == 0x84000060 || f == 0x84000061 || f == 0xC4000061 || f == 0x84000070 || f == 0xC4000070 ||
         f == 0xC400008E || f == 0x8400006B /* MSG_WAIT ends FFA_RUN */ || f == 0x8400006C /* YIELD */ ||
         f == 0x84000062 /* INTERRUPT */ || f == 0x8400007C /* NORMAL_WORLD_RESUME */ ||
         (f & 0x80000000u) == 0 || f == 0xFFFFFFFFu;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in{data, size};
  fake::FakePlacement placement;
  spmc::Core core(placement, spmc::CoreConfig{ffa::EndpointId(0x8000), ffa::kVersion1_2});
  // Partition 0x8001 sends and receives everything and has an RX/TX pair;
  // the others only receive direct requests.
  static uint8_t rx[4096], tx[4096];
  for (uint16_t id : {0x8001, 0x8002, 0x8003}) {
    spmc::Partition p{};
    const uint32_t extra = id == 0x8001 ? (ffa::partition_props::direct_req_send | ffa::partition_props::indirect_msg |
                                           ffa::partition_props::direct_req2_recv)
                                        : 0;
    p.info = ffa::PartitionInfo{ffa::EndpointId(id), 1,
                                ffa::partition_props::direct_req_recv | ffa::partition_props::aarch64 | extra,
                                ffa::Uuid{{id, 1, 2, 3}}};
    p.boot_order = in.byte();
    // 0x8001 and 0x8002 take notifications (one vCPU each).
    p.notifications.created = id != 0x8003;
    p.notifications.vcpu_count = 1;
    // 0x8001 has normal-world interrupts signalled, 0x8002 managed exit.
    p.ns_action = id == 0x8001 ? ffa::NsInterruptAction::signaled
                               : id == 0x8002 ? ffa::NsInterruptAction::managed_exit : ffa::NsInterruptAction::queued;
    for (uint32_t intid : {40u, 41u, 42u})
      if ((intid == 42) == (id == 0x8002) && id != 0x8003) p.interrupts[p.interrupt_count++].id = intid;
    FUZZ_CHECK(core.add_partition(p).ok());
  }
  core.attach_partition_mailbox(0, tx, rx, 1);
  ffa::Regs out{};
  spmc::Outcome o = core.boot_next(out);
  bool booting = true;
  for (unsigned step = 0; step < 256 && !in.empty(); ++step) {
    // Invariant: at most one partition booting or running.
    unsigned active = 0;
    for (size_t i = 0; i < core.partition_count(); ++i) {
      const auto s = core.partition(i).state;
      active += (s == spmc::PartitionState::running || s == spmc::PartitionState::booting) ? 1 : 0;
    }
    FUZZ_CHECK(active <= 1);
    check_interrupts(core, placement);
    if (o == spmc::Outcome::run_partition || o == spmc::Outcome::resume_partition) {
      const size_t idx = core.scheduled();
      FUZZ_CHECK(idx < core.partition_count());
      FUZZ_CHECK(core.partition(idx).state != spmc::PartitionState::aborted);
      FUZZ_CHECK(core.partition(idx).state != spmc::PartitionState::created);
      const uint8_t event = in.byte();
      if (event % 8 == 0) {
        o = core.sp_aborted(idx, out);
      } else if (event % 8 == 1 && core.ns_interrupts_unmasked(idx)) {
        // A normal-world interrupt, where the placement would let one in.
        o = core.sp_interrupted(idx, out);
        FUZZ_CHECK(o == spmc::Outcome::reply_to_caller && out.w(0) == 0x84000062);
        FUZZ_CHECK(core.partition(idx).state == spmc::PartitionState::preempted);
      } else if (event % 8 == 2) {
        // A secure interrupt while it runs (IRQ at S-EL0): top half, then
        // the same partition carries on.
        placement.raise_interrupt(kIntids[(event >> 3) % 8]);
        o = core.sp_secure_interrupted(idx);
        FUZZ_CHECK(o == spmc::Outcome::resume_partition && core.scheduled() == idx);
      } else {
        const ffa::Regs call = regs_from(in);
        o = core.handle_sp_call(idx, call, out);
      }
      continue;
    }
    if (o == spmc::Outcome::boot_done) {
      booting = false;
    } else if (o == spmc::Outcome::reply_to_caller) {
      FUZZ_CHECK(!booting);
      FUZZ_CHECK(well_formed_answer(out));
    }
    // The normal world's turn; sometimes a device interrupts first, and
    // the SPMD hands the secure world FFA_INTERRUPT.
    const uint8_t turn = in.byte();
    if (!booting && turn % 4 == 0) {
      placement.raise_interrupt(kIntids[(turn >> 2) % 8]);
      ffa::Regs answer{};
      o = core.handle_nwd_call(ffa::Regs{{0x84000062}}, answer);
      out = answer;
      FUZZ_CHECK(o == spmc::Outcome::run_partition || (o == spmc::Outcome::reply_to_caller && out.w(0) == 0x8400007C));
      if (o == spmc::Outcome::run_partition) FUZZ_CHECK(out.w(0) == 0x84000062);
      continue;
    }
    const ffa::Regs call = regs_from(in);
    ffa::Regs answer{};
    o = core.handle_nwd_call(call, answer);
    out = answer;
    if (o == spmc::Outcome::reply_to_caller) FUZZ_CHECK(well_formed_answer(out));
    FUZZ_CHECK(o != spmc::Outcome::boot_done);
  }
  return 0;
}
