//! Reviews: sources (Google Business Profile, Yelp Fusion, file exports) behind one trait,
//! on-device sentiment, staff and service mentions, and urgent alerts.
