//! One adapter per chatbot platform, each mapping that platform's webhook
//! payload into the canonical handoff. (Stub: being written.)
