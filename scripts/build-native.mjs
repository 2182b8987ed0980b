// Builds the optional native live-capture binding (see native/). Placeholder until it lands.
