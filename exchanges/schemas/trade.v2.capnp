@0xd8a4bd5c2f1e9a01;
# One executed trade, as the normalizer writes it.

struct Trade {
  timestamp @0 :UInt64;     # exchange time, nanoseconds since the Unix epoch
  ticker @1 :Text;
  price @2 :Float64;
  size @3 :UInt32;
  tradeId @4 :Text;
  takerSide @5 :Side;
  venue @6 :Text;           # v2: which venue printed the trade

  enum Side {
    unknown @0;
    buy @1;
    sell @2;
  }
}
