/** Network interfaces libpcap can capture on (backs `netspot ls devices` and /api/devices). */
import { loadPcapBinding, type NativeDevice, type NativeDeviceAddress } from './native-binding.js';

export type DeviceAddress = NativeDeviceAddress;
export type Device = NativeDevice;

/**
 * Every capture device with its addresses (IPv4, IPv6, hardware) and flags, in libpcap's
 * order (up and running interfaces first). Throws CaptureError('UNAVAILABLE') without the
 * native binding.
 */
export function listDevices(): Device[] {
  return loadPcapBinding().listDevices();
}
