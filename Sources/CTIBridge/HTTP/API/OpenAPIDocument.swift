/// The OpenAPI 3.1 description of the REST API, served at `/api/v1/openapi.json` and kept in `docs/openapi.json`
/// (`ctibridge openapi` prints it; a test fails when a route is missing from it or the copy in docs/ is stale).
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "CTIBridge REST API",
        "version": "1.0.0",
        "description": "Deskphone-mode CTI: agents, calls, phones, queues and contacts, and commands for agent desktops and CRMs. Every error is the command result object with a code and a message."
      },
      "servers": [{ "url": "/" }],
      "security": [{ "bearer": [] }],
      "paths": {
        "/api/v1/openapi.json": {
          "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3.1 JSON" } } }
        },
        "/api/v1/agents": {
          "get": {
            "summary": "Every agent object",
            "responses": {
              "200": { "description": "Agents", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Agent" } } } } },
              "401": { "$ref": "#/components/responses/Error" }
            }
          }
        },
        "/api/v1/agents/{id}": {
          "get": {
            "summary": "One agent object",
            "parameters": [{ "$ref": "#/components/parameters/AgentID" }],
            "responses": {
              "200": { "description": "The agent", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Agent" } } } },
              "401": { "$ref": "#/components/responses/Error" },
              "404": { "$ref": "#/components/responses/Error" }
            }
          }
        },
        "/api/v1/agents/{id}/commands": {
          "post": {
            "summary": "Run an agent command (contract section 3)",
            "parameters": [{ "$ref": "#/components/parameters/AgentID" }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Command" } } } },
            "responses": {
              "200": { "$ref": "#/components/responses/Result" },
              "400": { "$ref": "#/components/responses/Error" },
              "401": { "$ref": "#/components/responses/Error" },
              "404": { "$ref": "#/components/responses/Error" },
              "409": { "$ref": "#/components/responses/Error" },
              "410": { "$ref": "#/components/responses/Error" },
              "422": { "$ref": "#/components/responses/Error" },
              "502": { "$ref": "#/components/responses/Error" },
              "504": { "$ref": "#/components/responses/Error" }
            }
          }
        },
        "/api/v1/agents/{id}/dial": {
          "get": {
            "summary": "Click-to-dial link for CRMs: the agent's phone dials `to`",
            "description": "Authenticated by the agent's click-to-dial token (agents[].clickToDialToken), which can only dial. No API key in URLs. Identical clicks within 5 s dial once.",
            "security": [],
            "parameters": [
              { "$ref": "#/components/parameters/AgentID" },
              { "name": "to", "in": "query", "required": true, "schema": { "type": "string" } },
              { "name": "token", "in": "query", "required": true, "schema": { "type": "string" } }
            ],
            "responses": {
              "200": { "$ref": "#/components/responses/Result" },
              "400": { "$ref": "#/components/responses/Error" },
              "401": { "$ref": "#/components/responses/Error" }
            }
          }
        },
        "/api/v1/agents/{id}/favorites": {
          "get": {
            "summary": "The agent's favorite contacts",
            "parameters": [{ "$ref": "#/components/parameters/AgentID" }],
            "responses": {
              "200": { "description": "Contacts", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Contact" } } } } },
              "404": { "$ref": "#/components/responses/Error" }
            }
          }
        },
        "/api/v1/agents/{id}/history": {
          "get": {
            "summary": "The agent's call history, newest first",
            "parameters": [
              { "$ref": "#/components/parameters/AgentID" },
              { "name": "missed", "in": "query", "schema": { "type": "boolean" }, "description": "only missed calls" },
              { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 100 } }
            ],
            "responses": {
              "200": { "description": "History entries", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/HistoryEntry" } } } } },
              "404": { "$ref": "#/components/responses/Error" }
            }
          }
        },
        "/api/v1/phones": {
          "get": {
            "summary": "Every phone object",
            "responses": { "200": { "description": "Phones", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Phone" } } } } } }
          }
        },
        "/api/v1/phones/{id}/resync": {
          "post": {
            "summary": "Ask the phone for its calls now and end the calls it no longer has",
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": {
              "200": { "$ref": "#/components/responses/Result" },
              "404": { "$ref": "#/components/responses/Error" },
              "422": { "$ref": "#/components/responses/Error" },
              "504": { "$ref": "#/components/responses/Error" }
            }
          }
        },
        "/api/v1/calls": {
          "get": {
            "summary": "Every live call",
            "responses": { "200": { "description": "Calls", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Call" } } } } } }
          }
        },
        "/api/v1/queues": {
          "get": {
            "summary": "Every queue with agent counts",
            "responses": { "200": { "description": "Queues", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Queue" } } } } } }
          }
        },
        "/api/v1/contacts": {
          "get": {
            "summary": "Internal and external contacts matching a name (case and accent insensitive) or a number (any formatting)",
            "parameters": [{ "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 100 } }],
            "responses": { "200": { "description": "Contacts", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Contact" } } } } } }
          }
        }
      },
      "components": {
        "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "one of bridge.apiKeys" } },
        "parameters": {
          "AgentID": { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }
        },
        "responses": {
          "Result": { "description": "Command result", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Result" } } } },
          "Error": { "description": "Error result", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Result" } } } }
        },
        "schemas": {
          "Command": {
            "type": "object",
            "required": ["action"],
            "properties": {
              "action": { "enum": ["dial", "answer", "hangup", "hold", "resume", "transfer", "dnd", "forward", "login", "logout", "ready", "away", "endWrap", "extendWrap", "queue", "presence", "mode", "favorite", "resync"] },
              "requestId": { "type": "string", "maxLength": 128 },
              "expiresAt": { "type": "string", "format": "date-time", "description": "after this time the command is answered expired and not acted on" },
              "to": { "type": ["string", "null"] },
              "phone": { "type": "string" },
              "callId": { "type": "string" },
              "on": { "type": "boolean" },
              "queue": { "type": "string" },
              "enabled": { "type": "boolean" },
              "id": { "type": "string" },
              "message": { "type": ["string", "null"] },
              "mode": { "enum": ["deskphone", "softphone"] },
              "contact": { "type": "string" }
            }
          },
          "Result": {
            "type": "object",
            "required": ["requestId", "ok"],
            "properties": {
              "requestId": { "type": ["string", "null"] },
              "ok": { "type": "boolean" },
              "callId": { "type": "string" },
              "changes": { "type": "array", "items": { "type": "string" } },
              "error": {
                "type": "object",
                "properties": {
                  "code": { "enum": ["badRequest", "unknownAgent", "invalidNumber", "notSupported", "invalidState", "noCall", "phoneUnreachable", "phoneRejected", "unauthorized", "expired"] },
                  "message": { "type": "string" }
                }
              }
            }
          },
          "Agent": {
            "type": "object",
            "properties": {
              "id": { "type": "string" }, "name": { "type": "string" }, "extension": { "type": ["string", "null"] },
              "mode": { "enum": ["deskphone", "softphone"] },
              "presence": { "type": "object", "properties": { "id": { "type": "string" }, "name": { "type": "string" }, "availability": { "enum": ["available", "unavailable"] }, "message": { "type": ["string", "null"] } } },
              "status": { "enum": ["available", "unavailable", "busy", "wrap", "dnd"] },
              "onCall": { "type": "boolean" }, "dnd": { "type": "boolean" }, "forwardTo": { "type": ["string", "null"] },
              "acd": { "type": "object", "properties": { "state": { "enum": ["loggedOut", "ready", "away", "wrap", "busy"] }, "since": { "type": "string", "format": "date-time" }, "wrapEndsAt": { "type": ["string", "null"], "format": "date-time" }, "queues": { "type": "object", "additionalProperties": { "type": "boolean" } } } },
              "phones": { "type": "array", "items": { "type": "string" } },
              "calls": { "type": "array", "items": { "$ref": "#/components/schemas/Call" } },
              "updatedAt": { "type": "string", "format": "date-time" }
            }
          },
          "Call": {
            "type": "object",
            "properties": {
              "id": { "type": "string" }, "agent": { "type": "string" }, "phone": { "type": "string" },
              "direction": { "enum": ["inbound", "outbound"] },
              "state": { "enum": ["initiated", "alerting", "connected", "held", "cleared", "failed"] },
              "remote": { "type": "object", "properties": { "number": { "type": "string" }, "name": { "type": ["string", "null"] } } },
              "queue": { "type": ["string", "null"] }, "routePath": { "type": ["string", "null"] },
              "startedAt": { "type": "string", "format": "date-time" },
              "answeredAt": { "type": ["string", "null"], "format": "date-time" },
              "endedAt": { "type": ["string", "null"], "format": "date-time" },
              "cause": { "enum": ["normal", "missed", "busy", "rejected", "failed", null] }
            }
          },
          "Phone": {
            "type": "object",
            "properties": {
              "id": { "type": "string" }, "driver": { "type": "string" }, "agent": { "type": ["string", "null"] },
              "online": { "type": "boolean" }, "lastSeen": { "type": ["string", "null"], "format": "date-time" },
              "capabilities": { "type": "array", "items": { "enum": ["dial", "answer", "hangup", "hold", "resume", "transfer", "dnd", "forward"] } },
              "error": { "type": ["object", "null"], "properties": { "code": { "type": "string" }, "message": { "type": "string" } } }
            }
          },
          "Queue": {
            "type": "object",
            "properties": {
              "id": { "type": "string" }, "name": { "type": "string" },
              "agents": { "type": "object", "properties": { "ready": { "type": "integer" }, "away": { "type": "integer" }, "wrap": { "type": "integer" }, "busy": { "type": "integer" }, "loggedOut": { "type": "integer" } } },
              "activeCalls": { "type": "integer" }
            }
          },
          "Contact": {
            "type": "object",
            "properties": {
              "id": { "type": "string" }, "kind": { "enum": ["internal", "external"] }, "name": { "type": "string" },
              "numbers": { "type": "array", "items": { "type": "string" } }, "company": { "type": "string" },
              "status": { "type": "string" }, "presence": { "type": "object" }
            }
          },
          "HistoryEntry": {
            "type": "object",
            "properties": {
              "callId": { "type": "string" }, "agent": { "type": "string" }, "phone": { "type": "string" },
              "direction": { "enum": ["inbound", "outbound"] },
              "remote": { "type": "object" }, "queue": { "type": ["string", "null"] }, "routePath": { "type": ["string", "null"] },
              "startedAt": { "type": "string", "format": "date-time" }, "answeredAt": { "type": ["string", "null"], "format": "date-time" },
              "endedAt": { "type": "string", "format": "date-time" },
              "cause": { "enum": ["normal", "missed", "busy", "rejected", "failed"] }, "missed": { "type": "boolean" }
            }
          }
        }
      }
    }
    """#
}
