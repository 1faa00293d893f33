// Trusted Applications at S-EL0 in the S-EL1 trusted OS: instances loaded
// from the TA store into 256 KiB slots of the TA memory, each with its own
// translation tables and ASID (nothing of the trusted OS is mapped but the
// trampoline page), sessions in the GP model, and the TA's system calls
// (src/ta/ta_abi.h). Runs in the trusted OS's threads: a normal-world
// interrupt stops a TA where it is, and the call answers "interrupted".
// docs/trusted-applications.md describes it for TA writers and clients.
#pragma once

#include <optional>

#include "arch/aarch64/pgtable.h"
#include "optee/rpc_service.h"
#include "optee/ta_service.h"
#include "optee/ta_store.h"
#include "sel1/sp_context.h"

namespace sel1 {

class TaHost final : public optee::TaService {
 public:
  static constexpr unsigned kMaxInstances = 16;  // the TA memory's 256 KiB slots
  static constexpr unsigned kMaxSessions = 32;
  static constexpr unsigned kTablesPerInstance = 8;
  // How deep TA-to-TA calls may nest (each level runs on the thread's stack).
  static constexpr unsigned kMaxNesting = 4;

  // Reads the TA store the monitor staged; false (logged) when there is
  // none or it is refused: then no TA is found.
  // `os_tables` are the trusted OS's own (for the normal world's clock).
  bool init(lib::ByteView store, ffa::EndpointId self, arch::mmu::PageTable* os_tables);

  uint32_t open_session(const optee::Client& client, const optee::TaUuid& ta, optee::CallParams& params,
                        uint32_t cancel_id, uint32_t& session, uint32_t& origin) override;
  uint32_t invoke(const optee::Client& client, uint32_t session, uint32_t command, optee::CallParams& params,
                  uint32_t cancel_id, uint32_t& origin) override;
  uint32_t close_session(const optee::Client& client, uint32_t session, uint32_t& origin) override;
  void cancel(const optee::CallId& call) override;
  // Who carries storage requests to the normal world (tee-supplicant).
  void attach_rpc(optee::RpcService& rpc) { rpc_ = &rpc; }
  static constexpr unsigned kMaxKnownObjects = 64;

 private:
  // Calls waiting in the normal world (OP-TEE's wait queues,
  // OPTEE_RPC_CMD_NOTIFICATION) for something another call holds, by
  // their keys, first come first served.
  struct WaitQueue {
    uint8_t keys[8];
    unsigned count;
  };
  struct Instance {
    bool used, dead, busy;
    // Its CREATE runs (creating), or its destruction has begun (dying:
    // DESTROY, or the last steps of free_instance): either may yield, and
    // meanwhile no open may join it and nothing but its DESTROY enters it.
    bool creating, dying;
    unsigned depth;  // while busy: 0 for a client's call, n + 1 for a call from a TA at depth n
    const optee::TaImage* ta;
    unsigned sessions;
    bool session_slot_used[TA_MAX_SESSIONS];
    std::optional<arch::mmu::PageTable> tables;
    SpContext ctx;
    // Clients' calls waiting for it to be free.
    WaitQueue waiting;
    // Which TA's life in this slot: a call that waited finds out whether
    // the instance it waited for is still the one there.
    uint32_t generation;
  };
  // Who owns a session: an FF-A endpoint, or (instance >= 0) a TA; a
  // session whose TA died while its callee was busy belongs to no one.
  static constexpr int kOrphaned = -2;
  // A session's object is claimed (used, no instance yet) the moment an
  // open picks it: creating the instance runs the TA, where a normal-world
  // interrupt can stop the thread and another call open a session.
  struct Session {
    bool used;
    uint32_t id;
    Instance* instance;  // null while it is being opened
    unsigned slot;  // in the instance
    ffa::EndpointId client;
    int owner_instance;
    uint32_t cancel_id;
    bool cancelled;
    // A close of it has begun (it may wait for the instance's call in
    // hand): no other call finds it, so that it is closed once.
    bool closing;
  };

  // ta_loader.cpp: a TA the store lacks, from tee-supplicant, signed.
  const optee::TaImage* load_ta(const optee::TaUuid& uuid, uint32_t& result);
  const optee::TaImage* load_ta_in_turn(const optee::TaUuid& uuid, uint32_t& result);
  uint64_t slot_pa(const Instance& in) const;
  // The parameters of an instance's own TA-to-TA call (kept out of the
  // object, in .noinit: 4 KiB each, always written before they are read).
  optee::CallParams& nested(const Instance& in) const;
  ta_param_page& param_page(const Instance& in) const;
  uint64_t asid(const Instance& in) const;
  Instance* create_instance(const optee::TaImage& ta, unsigned depth, uint32_t& result, uint32_t& origin);
  void free_instance(Instance& in);
  bool map_image(Instance& in);
  Session* find_session(ffa::EndpointId client, int owner_instance, uint32_t id);
  uint32_t open(ffa::EndpointId client, int owner_instance, unsigned depth, const optee::TaUuid& uuid,
                optee::CallParams& params, uint32_t cancel_id, uint32_t& session, uint32_t& origin);
  uint32_t run_invoke(Session& s, unsigned depth, uint32_t command, optee::CallParams& params, uint32_t cancel_id,
                      uint32_t& origin);
  uint32_t close(Session& s, unsigned depth, uint32_t& origin);
  // Enters `in` for `op` until it returns (TA_SYS_RETURN), panics or
  // faults; TARGET_DEAD (origin TEE) for a dead instance.
  uint32_t enter(Instance& in, unsigned depth, uint64_t op, unsigned slot, uint32_t command,
                 optee::CallParams* params, Session* session, uint32_t& origin);
  // The parameters into the TA's parameter page and memory-reference
  // window, and back out.
  bool put_params(Instance& in, const optee::CallParams& params);
  void take_params(Instance& in, optee::CallParams& params, uint32_t result);
  void unmap_window(Instance& in);
  void kill(Instance& in, const char* why);
  // OP-TEE's wait queues (OPTEE_RPC_CMD_NOTIFICATION): a client's call
  // that finds a single instance in another call waits in the normal world
  // until that call ends. 0 once `in` is free; TEE_ERROR_BUSY when it
  // cannot wait (a TA's own call, no RPC, too many waiting).
  uint32_t wait_until_free(Instance& in, unsigned depth);
  // One wait in `q`: 0 once woken (the caller checks again), or
  // TEE_ERROR_BUSY when it cannot wait (no RPC, no key or place left).
  uint32_t wait_in(WaitQueue& q);
  void wake_one(WaitQueue& q);
  // Secure storage takes one operation at a time (its buffers are one);
  // another waits its turn in storage_waiting_ instead of failing. 0 with
  // the turn, or why not.
  uint32_t take_storage_turn();
  void end_storage_turn();
  // The turn for one storage operation, given back on every way out.
  class StorageTurn {
   public:
    explicit StorageTurn(TaHost& host) : host_(host) {}
    ~StorageTurn() {
      if (held_) host_.end_storage_turn();
    }
    // 0 with the turn; TEE_ERROR_STORAGE_NOT_AVAILABLE without
    // tee-supplicant; TEE_ERROR_BUSY when it cannot wait.
    uint32_t take();
    StorageTurn(const StorageTurn&) = delete;
    StorageTurn& operator=(const StorageTurn&) = delete;

   private:
    TaHost& host_;
    bool held_ = false;
  };
  // ta_syscalls.cpp: one system call; false when the operation is over
  // (`result` holds its answer).
  bool syscall(Instance& in, Session* session, uint32_t& result, uint32_t& origin);
  // The TA's own memory [va, va + len), as the trusted OS sees it (null
  // when it is not all the TA's own, or not writable when `write`).
  uint8_t* own_bytes(const Instance& in, uint64_t va, uint64_t len, bool write) const;
  uint32_t check_access(const Instance& in, uint32_t flags, uint64_t va, uint64_t len) const;
  uint32_t ta_open(Instance& in, uint32_t& origin, uint32_t& session);
  uint32_t ta_invoke(Instance& in, uint32_t session, uint32_t command, uint32_t& origin);
  bool ta_params(Instance& in, optee::CallParams& out);
  // ta_storage.cpp: TA_SYS_STORAGE_*.
  uint32_t storage_read(Instance& in, uint64_t id, uint64_t id_len, uint64_t buf, uint64_t size, uint64_t& len);
  uint32_t storage_write(Instance& in, uint64_t id, uint64_t id_len, uint64_t data, uint64_t len);
  uint32_t storage_delete(Instance& in, uint64_t id, uint64_t id_len);
  // The newest version of each object this boot has seen (rollback
  // within a boot is refused against it).
  struct KnownObject {
    bool used, deleted;
    optee::TaUuid ta;
    char name[33];
    uint64_t version;
  };
  KnownObject* known(const optee::TaUuid& ta, const char* name, bool add);
  void put_back(Instance& in, const optee::CallParams& params);

  optee::TaStore store_;
  optee::TaStore dynamic_;          // TAs loaded from the normal world this boot
  uint64_t dyn_next_ = 0, dyn_end_ = 0;  // where the next one goes (after the store)
  ffa::EndpointId self_;
  Instance instances_[kMaxInstances] = {};
  Session sessions_[kMaxSessions] = {};
  uint32_t next_id_ = 1;
  bool rtc_mapped_ = false;
  uint32_t wait_keys_[8] = {};  // keys 1-255 in use (Linux's default maximum is 255)
  optee::RpcService* rpc_ = nullptr;
  KnownObject known_[kMaxKnownObjects] = {};
  bool storage_busy_ = false;
  WaitQueue storage_waiting_ = {};
  // One TA load at a time (ta_loader.cpp): each of its steps waits for the
  // normal world, and the room it takes, the table's count and whether the
  // TA is there already must still hold when it registers.
  bool loading_ = false;
  WaitQueue load_waiting_ = {};
  // What each instance's window maps: one span of VAs per memory
  // reference, as its ranges were mapped (unmapped the same way, whole:
  // a span of 2 MiB blocks then needs no table to split them).
  struct MemrefSpan {
    uint64_t start, end;
  };
  MemrefSpan memref_spans_[kMaxInstances][4] = {};
  unsigned memref_span_count_[kMaxInstances] = {};
};

TaHost& ta_host();
// Where a TA, or a system call that waits, may be stopped by a normal-world
// interrupt: inside one of the trusted OS's threads, a pending one
// suspends the thread here; it resumes here later, on any CPU.
void ta_preemption_point();
// Random bytes from FEAT_RNG (RNDR); false when the CPU has none.
bool hardware_random(uint8_t* buf, size_t len);

}  // namespace sel1
