// FF-A v1.2 chapter 11 "Notifications": asynchronous doorbells between the
// normal world (one VM, ID 0, without a hypervisor) and partitions, and
// between partitions. A receiver binds notification IDs to the one sender
// that may set them; the sender sets them (pending); the receiver gets
// them (and clears them). The normal world's scheduler learns who has
// something pending from FFA_NOTIFICATION_INFO_GET, prompted by the
// schedule receiver interrupt when a partition set the notification.
#include "ffa/calls.h"
#include "ffa/notifications.h"
#include "spmc/core.h"

namespace spmc {

using ffa::Error;
using ffa::Func;
namespace notif = ffa::notification;

NotificationBitmaps* Core::bitmaps_of(ffa::EndpointId id) {
  if (id == nwd_.id) return &nwd_.notifications;
  Partition* p = const_cast<Partition*>(find_partition(id));
  if (!p || p->aborted()) return nullptr;
  return &p->notifications;
}

void Core::request_sri(bool delayed) {
  if (delayed) {
    sri_delayed_ |= delayed_sri_bit(cpu());
  } else {
    placement_.raise_schedule_receiver_interrupt(sri_target());
  }
}

void Core::raise_delayed_sri() {
  const uint32_t mine = delayed_sri_bit(cpu());
  if ((sri_delayed_ & mine) == 0) return;
  sri_delayed_ &= ~mine;
  placement_.raise_schedule_receiver_interrupt(sri_target());
}

Placement::SriTarget Core::sri_target() const {
  if (cpus_going_off_ != 0 && (cpus_going_off_ & cpu_bit(cpu())) != 0) [[unlikely]]
    return Placement::SriTarget::cpu_that_stays_on;
  return Placement::SriTarget::this_cpu;
}

void Core::notify_rx_buffer_full(ffa::EndpointId receiver, bool delay_sri) {
  NotificationBitmaps* b = bitmaps_of(receiver);
  if (!b || !b->created) return;  // it did not ask for notifications
  b->framework |= notif::kFrameworkRxBufferFull;
  b->global_reported = false;
  // The normal world's scheduler learns of its own message this way, and
  // of a partition's (which needs cycles to read it): INFO_GET lists it.
  // A sending partition may delay it until its own work is done.
  request_sri(delay_sri);
}

void Core::notification_bitmap_create(const ffa::Regs& in, ffa::Regs& out) {
  // Without a hypervisor the normal world is one VM, ID 0.
  const auto [vm, vcpus] = ffa::calls::notification_bitmap(in);
  if (vm != nwd_.id.raw() || vcpus == 0 || vcpus > NotificationBitmaps::kMaxVcpus)
    return ffa::set_error(out, Error::invalid_parameters);
  if (nwd_.notifications.created) return ffa::set_error(out, Error::denied);
  nwd_.notifications = NotificationBitmaps{};
  nwd_.notifications.created = true;
  nwd_.notifications.vcpu_count = static_cast<uint16_t>(vcpus);
  ffa::set_success(out);
}

void Core::notification_bitmap_destroy(const ffa::Regs& in, ffa::Regs& out) {
  if (ffa::calls::notification_bitmap(in).vm != nwd_.id.raw()) return ffa::set_error(out, Error::invalid_parameters);
  NotificationBitmaps& b = nwd_.notifications;
  // Pending notifications would be lost: the VM must get them first.
  if (!b.created || b.any_pending()) return ffa::set_error(out, Error::denied);
  b = NotificationBitmaps{};
  ffa::set_success(out);
}

// FFA_NOTIFICATION_BIND and _UNBIND (the receiver calls).
void Core::notification_bind(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out) {
  const bool bind = in.fid() == ffa::raw(Func::notification_bind);
  const auto [pair, flags, ids] = ffa::calls::notification_ids(in);
  if (!(pair.receiver == caller) || ids == 0) return ffa::set_error(out, Error::invalid_parameters);
  if (bind ? (flags & ~notif::kFlagPerVcpu) != 0 : flags != 0) return ffa::set_error(out, Error::invalid_parameters);
  NotificationBitmaps* b = bitmaps_of(caller);
  if (!b || !b->created) return ffa::set_error(out, caller == nwd_.id ? Error::denied : Error::invalid_parameters);
  // The sender: a partition for the normal world; the normal world or
  // another partition for a partition.
  const Partition* sp = find_partition(pair.sender);
  const bool valid_sender = pair.sender == nwd_.id ? caller.is_secure() : (sp != nullptr && !(pair.sender == caller));
  if (!valid_sender) return ffa::set_error(out, Error::invalid_parameters);
  const ffa::Status s =
      bind ? b->bind(ids, pair.sender, (flags & notif::kFlagPerVcpu) != 0) : b->unbind(ids, pair.sender);
  s ? ffa::set_success(out) : ffa::set_error(out, s.error());
}

// FFA_NOTIFICATION_SET (the sender calls).
void Core::notification_set(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out) {
  const auto [pair, flags, ids] = ffa::calls::notification_ids(in);
  const bool per_vcpu = (flags & notif::kFlagPerVcpu) != 0;
  const uint32_t vcpu = flags >> notif::kSetVcpuShift;
  const uint32_t known = notif::kFlagPerVcpu | (caller.is_secure() ? notif::kSetFlagDelaySri : 0);
  if (!(pair.sender == caller) || pair.receiver == caller || ids == 0 ||
      (flags & 0xFFFFu & ~known) != 0 || (!per_vcpu && vcpu != 0))
    return ffa::set_error(out, Error::invalid_parameters);
  // The normal world notifies partitions; partitions notify the normal
  // world and each other.
  if (!caller.is_secure() && !pair.receiver.is_secure()) return ffa::set_error(out, Error::invalid_parameters);
  NotificationBitmaps* b = bitmaps_of(pair.receiver);
  if (!b || !b->created) return ffa::set_error(out, Error::invalid_parameters);
  const bool from_sp = caller.is_secure();
  if (const ffa::Status s = b->set(ids, caller, from_sp, per_vcpu, vcpu); !s) return ffa::set_error(out, s.error());
  // Every notification prompts the normal world's scheduler with the SRI:
  // to the normal world, it has something to get; to a partition (from
  // the normal world or another partition), that partition needs cycles
  // from the normal world (INFO_GET lists it, FFA_RUN gives them). Now, or
  // when the sending partition's work is done (delay SRI, partitions only).
  request_sri(from_sp && (flags & notif::kSetFlagDelaySri) != 0);
  // A partition that takes virtual interrupts learns of it from its NPI
  // once it runs (the cycles the scheduler gives it with FFA_RUN), or at
  // once where it runs now, on another CPU (lines_raised).
  if (pair.receiver.is_secure())
    if (Partition* p = const_cast<Partition*>(find_partition(pair.receiver));
        p && virtual_interrupts(*p) && !p->npi_pending) {
      p->npi_pending = true;
      placement_.lines_raised(index_of(p), Placement::kEveryContext);  // (the NPI is the partition's)
    }
  ffa::set_success(out);
}

ffa::Status Core::local_notification_set(ffa::EndpointId me, ffa::EndpointId receiver, uint64_t ids) {
  const Partition* p = find_partition(me);
  if (!p || !p->in_image()) return Error::invalid_parameters;
  const ffa::Regs in{{ffa::raw(Func::notification_set), ffa::EndpointPair{me, receiver}.w1(), 0,
                      static_cast<uint32_t>(ids), ids >> 32}};
  ffa::Regs out;
  notification_set(me, in, out);
  if (ffa::is_error(out)) return ffa::error_of(out);
  return {};
}

// FFA_NOTIFICATION_GET (the receiver calls): returns and clears.
void Core::notification_get(ffa::EndpointId caller, const ffa::Regs& in, ffa::Regs& out) {
  const auto [receiver, vcpu, flags] = ffa::calls::notification_get(in);
  constexpr uint32_t kAll = notif::kGetFromSp | notif::kGetFromVm | notif::kGetFromSpm | notif::kGetFromHypervisor;
  if (!(receiver == caller) || (flags & ~kAll) != 0) return ffa::set_error(out, Error::invalid_parameters);
  NotificationBitmaps* b = bitmaps_of(caller);
  if (!b || !b->created) return ffa::set_error(out, caller == nwd_.id ? Error::denied : Error::invalid_parameters);
  if (vcpu >= b->vcpu_count) return ffa::set_error(out, Error::invalid_parameters);
  // kGetFromHypervisor: there is no hypervisor, so its bitmap is empty.
  const auto [from_sp, from_vm, framework] =
      b->get(vcpu, (flags & notif::kGetFromSp) != 0, (flags & notif::kGetFromVm) != 0, (flags & notif::kGetFromSpm) != 0);
  // A partition that has taken every notification pending for it has no
  // NPI left to take.
  if (caller.is_secure())
    if (Partition* p = const_cast<Partition*>(find_partition(caller)); p && p->npi_pending && !b->any_pending())
      p->npi_pending = false;
  ffa::set_regs(out, ffa::raw(Func::success_32), 0, static_cast<uint32_t>(from_sp), from_sp >> 32,
                static_cast<uint32_t>(from_vm), from_vm >> 32, framework, 0);
}

// FFA_NOTIFICATION_INFO_GET (the normal world's scheduler): who has
// notifications pending that were not reported yet.
void Core::notification_info_get(const ffa::Regs& in, ffa::Regs& out) {
  const bool is64 = ffa::is_smc64(in.fid());
  notif::InfoGetList list(is64);
  bool more = false;
  auto report = [&](ffa::EndpointId id, NotificationBitmaps& b) {
    if (!b.created) return;
    if (b.global_pending() && !b.global_reported) {
      if (!list.fits(0)) {
        more = true;
        return;
      }
      (void)list.begin(id);
      b.global_reported = true;
    }
    bool open = false;  // a list for this endpoint's vCPUs has room
    for (unsigned v = 0; v < b.vcpu_count; ++v) {
      if (!b.vcpu_pending(v) || ((b.vcpus_reported >> v) & 1)) continue;
      if (!(open && list.add_vcpu(static_cast<uint16_t>(v)))) {
        if (!list.fits(1)) {
          more = true;
          return;
        }
        (void)list.begin(id);
        (void)list.add_vcpu(static_cast<uint16_t>(v));
        open = true;
      }
      b.vcpus_reported |= static_cast<uint8_t>(1u << v);
    }
  };
  report(nwd_.id, nwd_.notifications);
  for (size_t i = 0; i < partition_count_ && !more; ++i)
    if (!partitions_[i].aborted()) report(partitions_[i].info.id, partitions_[i].notifications);
  if (list.lists() == 0) return ffa::set_error(out, Error::no_data);
  list.write(out, is64, more);
}

}  // namespace spmc
