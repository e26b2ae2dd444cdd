tick-1s { clear(@nothing); }
