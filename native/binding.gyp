{
  "targets": [
    {
      "target_name": "netspot_pcap",
      "sources": ["src/addon.c", "src/capture.c", "src/devices.c", "src/unix-dgram.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpcap", "-lpthread"]
    }
  ]
}
