// The partition runtime's RX buffer reader (src/sp/rx.h): an indirect
// message's header checked against the buffer, against the partition's own
// ID and against what the buffer holds; partition information and retrieve
// fragments checked against the buffer. Every refusal is a value.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "sp/rx.h"

namespace {

using Holds = sp::RxBuffer::Holds;
using ffa::EndpointId;
using ffa::Error;

constexpr EndpointId kSelf{0x8001};
constexpr EndpointId kNormalWorld{0x0000};

struct Rx {
  alignas(4096) uint8_t bytes[4096] = {};
  sp::RxBuffer buffer{reinterpret_cast<uintptr_t>(bytes), sizeof(bytes)};

  void le32(size_t off, uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) bytes[off + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  // A partition message header as the SPMC writes it.
  void header(uint32_t offset, uint16_t sender, uint16_t receiver, uint32_t size) {
    le32(0, 0);
    le32(4, 0);
    le32(8, offset);
    le32(12, uint32_t{sender} << 16 | receiver);
    le32(16, size);
  }
};

TEST(SpRx, GoodV1_2Header) {
  Rx rx;
  rx.header(40, 0, 0x8001, 24);
  for (unsigned i = 0; i < 24; ++i) rx.bytes[40 + i] = static_cast<uint8_t>(i + 1);
  rx.buffer.took(Holds::message);
  const auto m = rx.buffer.message(kSelf);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->sender, kNormalWorld);
  EXPECT_EQ(m->receiver, kSelf);
  EXPECT_EQ(m->offset, 40u);
  EXPECT_EQ(m->size, 24u);
  ASSERT_EQ(m->payload.size(), 24u);
  EXPECT_EQ(m->payload.data(), rx.bytes + 40);
  EXPECT_EQ(*m->payload.u8(0), 1);
  EXPECT_EQ(*m->payload.u8(23), 24);
  EXPECT_FALSE(m->payload.u8(24).has_value());  // the view ends with the payload
}

TEST(SpRx, GoodV1_1HeaderFromAnotherPartition) {
  // A v1.1 sender's 20-byte header; the payload right after it.
  Rx rx;
  rx.header(20, 0x8005, 0x8001, 4);
  rx.buffer.took(Holds::message);
  const auto m = rx.buffer.message(kSelf);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->sender, EndpointId(0x8005));
  EXPECT_EQ(m->offset, 20u);
}

TEST(SpRx, PayloadUpToTheLastByteAndEmptyAtTheEnd) {
  Rx rx;
  rx.buffer.took(Holds::message);
  rx.header(40, 0, 0x8001, 4096 - 40);
  EXPECT_TRUE(rx.buffer.message(kSelf).ok());
  rx.header(4096, 0, 0x8001, 0);  // an empty payload just past the end: nothing to read
  const auto m = rx.buffer.message(kSelf);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->payload.size(), 0u);
}

TEST(SpRx, OffsetPastTheEnd) {
  Rx rx;
  rx.buffer.took(Holds::message);
  rx.header(4097, 0, 0x8001, 0);
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
  // The case: after partition information, RX+8 is the trusted
  // OS's UUID word, 0xe0786148.
  rx.header(0xe0786148, 0, 0x8001, 8);
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
}

TEST(SpRx, SizePastTheEnd) {
  Rx rx;
  rx.buffer.took(Holds::message);
  rx.header(40, 0, 0x8001, 4096 - 40 + 1);
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
  rx.header(40, 0, 0x8001, 0xFFFFFFFF);
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
}

TEST(SpRx, OffsetPlusSizeOverflows) {
  // 32-bit offset + size wraps to something small: still refused.
  Rx rx;
  rx.buffer.took(Holds::message);
  rx.header(0xFFFFFFF0, 0, 0x8001, 0x20);  // wraps to 0x10
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
  rx.header(40, 0, 0x8001, 0xFFFFFFE0);  // wraps to 8
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
}

TEST(SpRx, WrongReceiverOrSelfAsSender) {
  Rx rx;
  rx.buffer.took(Holds::message);
  rx.header(40, 0, 0x8002, 8);  // someone else's
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
  rx.header(40, 0x8001, 0x0000, 8);  // from us, to the normal world: not ours to read
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
  rx.header(40, 0x8001, 0x8001, 8);  // to ourselves: the SPMC sends no such message
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters);
}

TEST(SpRx, OffsetInsideTheHeader) {
  Rx rx;
  rx.buffer.took(Holds::message);
  for (uint32_t offset : {0u, 8u, 16u, 19u}) {
    rx.header(offset, 0, 0x8001, 4);
    EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::invalid_parameters) << offset;
  }
}

TEST(SpRx, NoOwnershipNoMessage) {
  // A well-formed header in a buffer the partition does not own (nothing
  // announced it, or it was given back) is not read.
  Rx rx;
  rx.header(40, 0, 0x8001, 8);
  EXPECT_FALSE(rx.buffer.owned());
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::denied);
  rx.buffer.took(Holds::message);
  EXPECT_TRUE(rx.buffer.message(kSelf).ok());
  rx.buffer.given_back();
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::denied);
}

TEST(SpRx, UnattachedBufferRefusesEverything) {
  // A partition's global RxBuffer starts empty (it stays in the BSS) and
  // is attached at start; before that, nothing is read.
  sp::RxBuffer empty;
  empty.took(Holds::message);
  EXPECT_EQ(empty.message(kSelf).error(), Error::invalid_parameters);
  empty.took(Holds::mem_retrieve);
  EXPECT_EQ(empty.retrieve_fragment(1).error(), Error::invalid_parameters);
  Rx rx;
  rx.header(40, 0, 0x8001, 8);
  empty.attach(reinterpret_cast<uintptr_t>(rx.bytes), sizeof(rx.bytes));
  EXPECT_FALSE(empty.owned());  // attaching hands nothing over
  EXPECT_EQ(empty.message(kSelf).error(), Error::denied);
  empty.took(Holds::message);
  EXPECT_TRUE(empty.message(kSelf).ok());
}

TEST(SpRx, PartitionInfoIsNotAMessage) {
  // The buffer is the partition's, but holds partition information: its
  // words are not a message header, whatever they look like.
  Rx rx;
  rx.header(40, 0, 0x8001, 8);
  rx.buffer.took(Holds::partition_info);
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::denied);
  rx.buffer.took(Holds::mem_retrieve);
  EXPECT_EQ(rx.buffer.message(kSelf).error(), Error::denied);
}

TEST(SpRx, PartitionInfoChecked) {
  Rx rx;
  EXPECT_EQ(rx.buffer.partition_info(1, 24).error(), Error::denied);  // not owned
  rx.buffer.took(Holds::partition_info);
  rx.bytes[0] = 0x00;
  rx.bytes[1] = 0x80;
  rx.bytes[24] = 0x01;
  rx.bytes[25] = 0x80;
  const auto list = rx.buffer.partition_info(2, 24);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->descriptors.size(), 48u);
  EXPECT_EQ(*list->id(0), EndpointId(0x8000));
  EXPECT_EQ(*list->id(1), EndpointId(0x8001));
  EXPECT_FALSE(list->id(2).has_value());  // past the count
  // A v1.0 answer has no size in w3: 8-byte descriptors.
  const auto v1_0 = rx.buffer.partition_info(3, 0);
  ASSERT_TRUE(v1_0.ok());
  EXPECT_EQ(v1_0->descriptor_size, 8u);
  EXPECT_EQ(*v1_0->id(0), EndpointId(0x8000));
  // Counts and sizes that do not fit the buffer, including products that
  // wrap in 32 bits.
  EXPECT_TRUE(rx.buffer.partition_info(4096 / 24, 24).ok());
  EXPECT_EQ(rx.buffer.partition_info(4096 / 24 + 1, 24).error(), Error::invalid_parameters);
  EXPECT_EQ(rx.buffer.partition_info(1, 4097).error(), Error::invalid_parameters);
  EXPECT_EQ(rx.buffer.partition_info(0x10000, 0x10000).error(), Error::invalid_parameters);
  EXPECT_EQ(rx.buffer.partition_info(0xFFFFFFFF, 0xFFFFFFFF).error(), Error::invalid_parameters);
  EXPECT_EQ(rx.buffer.partition_info(1, 4).error(), Error::invalid_parameters);  // smaller than a descriptor
}

TEST(SpRx, RetrieveFragmentChecked) {
  Rx rx;
  EXPECT_EQ(rx.buffer.retrieve_fragment(80).error(), Error::denied);
  rx.buffer.took(Holds::mem_retrieve);
  const auto f = rx.buffer.retrieve_fragment(80);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->size(), 80u);
  EXPECT_FALSE(f->le32(80).has_value());  // reads stop at the fragment's end
  EXPECT_TRUE(rx.buffer.retrieve_fragment(4096).ok());
  EXPECT_EQ(rx.buffer.retrieve_fragment(4097).error(), Error::invalid_parameters);
  EXPECT_EQ(rx.buffer.retrieve_fragment(0xFFFFFFFF).error(), Error::invalid_parameters);
}

TEST(SpRx, HeaderIsCopiedBeforeItIsChecked) {
  // The reader's answer describes the header as it was when read: the
  // payload view is built from the copied offset and size.
  Rx rx;
  rx.buffer.took(Holds::message);
  rx.header(64, 0, 0x8001, 16);
  const auto m = rx.buffer.message(kSelf);
  rx.header(4000, 0, 0x8001, 4000);  // rewritten afterwards
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->offset, 64u);
  EXPECT_EQ(m->payload.size(), 16u);
}

}  // namespace
