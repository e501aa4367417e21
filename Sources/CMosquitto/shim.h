#ifndef CMOSQUITTO_SHIM_H
#define CMOSQUITTO_SHIM_H

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/// Holds back (1) or releases (0) partial segments on a TCP socket, so that a burst of small MQTT packets
/// leaves as few segments as possible; releasing sends what is held at once. Returns 0 or -1 (errno).
static inline int ctib_tcp_set_cork(int fd, int on) {
    return setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
}

#endif
