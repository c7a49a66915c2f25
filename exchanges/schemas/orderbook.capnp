@0xe1c3f0a7b4d25c02;
# Order book snapshot or delta for one instrument.

struct Level {
  price @0 :Float64;
  size @1 :UInt32;
}

struct OrderBook {
  timestamp @0 :UInt64;
  ticker @1 :Text;
  isSnapshot @2 :Bool;
  bids @3 :List(Level);
  asks @4 :List(Level);
  sequence @5 :UInt64;
}
