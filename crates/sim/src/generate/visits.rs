//! Visits and what they leave behind: each customer's visit dates from their cadence,
//! then, in time order, bookings → orders with line items and modifiers → payments
//! (card or cash, with tips) → occasional refunds, and loyalty points.

use super::catalog::{CatalogPlan, Service};
use super::people::{Kind, Persona, Shift};
use super::{ids, names, rand_f};
use crate::model::*;
use crate::store::HeldOffline;
use crate::time::{DAY, HOUR, MINUTE, SECOND, Ts};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// How far ahead regulars have already booked.
const BOOKING_HORIZON: i64 = 45 * DAY;

/// Visit dates for one persona, in the past and up to the booking horizon.
pub fn schedule(p: &Persona, scale: f64, history_start: Ts, now: Ts, seed: u64) -> Vec<Ts> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let end = now.plus(BOOKING_HORIZON);
    let mut out = Vec::new();
    let mut t = p.first_visit;
    if t < history_start {
        t = history_start;
    }
    while t < end {
        if let Some(c) = p.churn_at
            && t > c
        {
            break;
        }
        if let Some((a, b)) = p.gap
            && t >= a
            && t < b
        {
            t = b.plus((rand_f(&mut rng) * 14.0 * DAY as f64) as i64);
            continue;
        }
        out.push(business_time(&mut rng, t));
        if p.kind == Kind::OneTimer {
            break;
        }
        let jitter = (normal(&mut rng) * 0.25).exp();
        let gap_days = (p.cadence_days * scale * jitter * seasonal(t)).max(7.0);
        t = t.plus((gap_days * DAY as f64) as i64);
    }
    out
}

/// Opening hours: Monday–Saturday, 9:00–18:45 in America/New_York (taken as UTC−5).
pub fn business_time(rng: &mut ChaCha8Rng, t: Ts) -> Ts {
    let mut day = t.0.div_euclid(DAY);
    if (day + 4).rem_euclid(7) == 0 {
        day += 1;
    }
    let slot = rng.random_range(0..40);
    Ts(day * DAY + 14 * HOUR + slot * 15 * MINUTE)
}

fn seasonal(t: Ts) -> f64 {
    match t.month_key().get(5..7) {
        Some("12") => 0.85,
        Some("11") => 0.92,
        Some("01") => 1.15,
        Some("02") => 1.1,
        _ => 1.0,
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = rand_f(rng).max(1e-12);
    let u2 = rand_f(rng);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// One visit to ring up (`persona == None` is a walk-in without a profile).
#[derive(Debug, Clone, Copy)]
pub struct Visit {
    pub t: Ts,
    pub persona: Option<u32>,
    pub location: usize,
}

/// Everything the visits produced.
#[derive(Debug, Default)]
pub struct Ledger {
    pub orders: Vec<Order>,
    pub payments: Vec<Payment>,
    pub refunds: Vec<PaymentRefund>,
    pub bookings: Vec<Booking>,
    pub accounts: Vec<LoyaltyAccount>,
    pub events: Vec<LoyaltyEvent>,
    pub held: Vec<HeldOffline>,
    pub offline_order_ids: Vec<String>,
}

/// Fixed inputs of the ringing-up pass.
pub struct Context<'a> {
    pub now: Ts,
    pub personas: &'a [Persona],
    pub shifts: &'a [Shift],
    pub team: &'a [TeamMember],
    pub locations: &'a [Location],
    pub catalog: &'a CatalogPlan,
    pub program: &'a LoyaltyProgram,
    pub held_target: usize,
}

const APP_ID: &str = "sq0idp-wGVapF8sNt9PLrdj5znuKA";
const REWARD_POINTS: i64 = 8;

/// Rings up all visits (sorted by time) into the ledger.
pub fn ring_up(rng: &mut ChaCha8Rng, cx: &Context, visits: &[Visit]) -> Ledger {
    let mut led = Ledger::default();
    let mut accounts: HashMap<u32, usize> = HashMap::new();
    let weights: Vec<f64> = cx.catalog.services.iter().map(|s| s.weight).collect();
    for v in visits {
        let persona = v.persona.map(|i| &cx.personas[i as usize]);
        let coin = rand_f(rng);
        let customer_id = persona.map(|p| p.id_at(v.t, coin).to_string());
        let staff = pick_staff(rng, cx, persona.map(|p| p.staff), v.location, v.t);
        let service = pick_service(rng, cx.catalog, &weights, persona.map(|p| p.service), v.t);
        let second = (rand_f(rng) < 0.15).then(|| {
            let mut s = pick_service(rng, cx.catalog, &weights, None, v.t);
            if s == service {
                s = 0;
            }
            s
        });
        let duration = cx.catalog.services[service].duration_min
            + second.map_or(0, |s| cx.catalog.services[s].duration_min);
        let future = v.t > cx.now;

        // Booking first: some visits are booked ahead; some bookings never become a sale.
        let mut sale = !future;
        if let (Some(p), Some(cid)) = (persona, customer_id.as_deref()) {
            let booked = if future {
                rand_f(rng) < p.booking_rate.max(0.5)
            } else {
                rand_f(rng) < p.booking_rate
            };
            if booked {
                let roll = rand_f(rng);
                let status = if future {
                    if roll < 0.85 { "ACCEPTED" } else { "PENDING" }
                } else if roll < 0.92 {
                    "ACCEPTED"
                } else if roll < 0.95 {
                    "NO_SHOW"
                } else {
                    "CANCELLED_BY_CUSTOMER"
                };
                if status == "NO_SHOW" || status == "CANCELLED_BY_CUSTOMER" {
                    sale = false;
                }
                let b = booking(rng, cx, v, p, cid, staff, service, second, status);
                if b.created_at <= cx.now {
                    led.bookings.push(b);
                }
            } else if future {
                continue;
            }
        }
        let created_at = v.t.plus(duration * MINUTE);
        if !sale || created_at > cx.now.minus(MINUTE) {
            continue;
        }
        let (mut order, mut payment) = order_and_payment(
            rng,
            cx,
            v,
            persona,
            customer_id.clone(),
            staff,
            service,
            second,
            created_at,
        );

        // A few orders are taken offline and reach Square late.
        let recent = created_at > cx.now.minus(48 * HOUR);
        if persona.is_some() && recent && led.held.len() < cx.held_target && rand_f(rng) < 0.3 {
            payment.is_offline_payment = true;
            payment.offline_payment_details = Some(OfflinePaymentDetails {
                client_created_at: created_at,
            });
            led.held.push(HeldOffline { order, payment });
            continue;
        }
        if rand_f(rng) < 0.005 {
            let upload = created_at.plus(rng.random_range(1..72) * HOUR).min(cx.now);
            payment.is_offline_payment = true;
            payment.offline_payment_details = Some(OfflinePaymentDetails {
                client_created_at: created_at,
            });
            payment.updated_at = upload;
            order.updated_at = upload;
            led.offline_order_ids.push(order.id.clone());
        }

        if rand_f(rng) < 0.015 {
            refund(rng, cx, &mut order, &mut payment, &mut led.refunds);
        }

        if let (Some(i), Some(p), Some(cid)) = (v.persona, persona, customer_id.as_deref())
            && p.loyalty
        {
            let slot = *accounts.entry(i).or_insert_with(|| {
                led.accounts.push(new_account(rng, cx, p, cid, created_at));
                led.accounts.len() - 1
            });
            accrue(rng, cx, &mut led.accounts[slot], &mut led.events, &order);
        }
        led.orders.push(order);
        led.payments.push(payment);
    }
    led
}

fn available(s: &Shift, location: usize, t: Ts) -> bool {
    s.location == location && s.from <= t && s.until.is_none_or(|u| t < u)
}

fn pick_staff(
    rng: &mut ChaCha8Rng,
    cx: &Context,
    preferred: Option<usize>,
    location: usize,
    t: Ts,
) -> usize {
    if let Some(p) = preferred
        && available(&cx.shifts[p], location, t)
        && rand_f(rng) < 0.85
    {
        return p;
    }
    let here: Vec<usize> = (0..cx.shifts.len())
        .filter(|&s| available(&cx.shifts[s], location, t))
        .collect();
    *here.choose(rng).unwrap_or(&0)
}

fn pick_service(
    rng: &mut ChaCha8Rng,
    cat: &CatalogPlan,
    weights: &[f64],
    preferred: Option<usize>,
    t: Ts,
) -> usize {
    let ok = |s: &Service| s.deleted_at.is_none_or(|d| t < d);
    if let Some(p) = preferred
        && ok(&cat.services[p])
        && rand_f(rng) < 0.7
    {
        return p;
    }
    let total: f64 = weights.iter().sum();
    let mut pick = rand_f(rng) * total;
    for (i, w) in weights.iter().enumerate() {
        if pick < *w {
            return if ok(&cat.services[i]) { i } else { 0 };
        }
        pick -= w;
    }
    0
}

#[allow(clippy::too_many_arguments)]
fn booking(
    rng: &mut ChaCha8Rng,
    cx: &Context,
    v: &Visit,
    p: &Persona,
    customer_id: &str,
    staff: usize,
    service: usize,
    second: Option<usize>,
    status: &'static str,
) -> Booking {
    let lead = rng.random_range(HOUR..30 * DAY);
    let created_at = v.t.minus(lead).max(p.created_at).min(cx.now);
    let version = cx.catalog.version_at(created_at);
    let mut segments = vec![segment(cx, service, staff, version)];
    if let Some(s) = second {
        segments.push(segment(cx, s, staff, version));
    }
    let cancelled = status == "CANCELLED_BY_CUSTOMER";
    let online = rand_f(rng) < 0.4;
    let updated_at = if cancelled {
        Ts(rng.random_range(created_at.0..=v.t.0.max(created_at.0))).min(cx.now)
    } else {
        created_at
    };
    Booking {
        id: ids::booking(rng),
        version: if updated_at > created_at { 1 } else { 0 },
        status,
        created_at,
        updated_at,
        start_at: v.t,
        location_id: cx.locations[v.location].id.clone(),
        customer_id: customer_id.to_string(),
        customer_note: (rand_f(rng) < 0.1)
            .then(|| (*names::BOOKING_NOTES.choose(rng).unwrap_or(&"")).to_string()),
        seller_note: None,
        appointment_segments: segments,
        transition_time_minutes: 0,
        all_day: false,
        location_type: "BUSINESS_LOCATION",
        creator_details: if online {
            BookingCreatorDetails {
                creator_type: "CUSTOMER",
                team_member_id: None,
                customer_id: Some(customer_id.to_string()),
            }
        } else {
            BookingCreatorDetails {
                creator_type: "TEAM_MEMBER",
                team_member_id: Some(cx.team[staff].id.clone()),
                customer_id: None,
            }
        },
        source: if online {
            "FIRST_PARTY_BUYER"
        } else {
            "FIRST_PARTY_MERCHANT"
        },
    }
}

fn segment(cx: &Context, service: usize, staff: usize, version: i64) -> AppointmentSegment {
    let s = &cx.catalog.services[service];
    AppointmentSegment {
        duration_minutes: s.duration_min,
        service_variation_id: s.variation_id.clone(),
        team_member_id: cx.team[staff].id.clone(),
        service_variation_version: version,
        any_team_member: false,
        intermission_minutes: 0,
    }
}

fn zero() -> Money {
    Money::usd(0)
}

#[allow(clippy::too_many_arguments)]
fn line_item(
    rng: &mut ChaCha8Rng,
    name: &str,
    variation: &str,
    id: &str,
    version: i64,
    unit: i64,
    qty: i64,
    modifiers: Vec<OrderLineItemModifier>,
) -> OrderLineItem {
    let variation_total = unit * qty;
    let gross = variation_total
        + modifiers
            .iter()
            .map(|m| m.total_price_money.amount)
            .sum::<i64>();
    OrderLineItem {
        uid: ids::uid(rng),
        name: name.to_string(),
        quantity: qty.to_string(),
        catalog_object_id: id.to_string(),
        catalog_version: version,
        variation_name: variation.to_string(),
        item_type: "ITEM",
        modifiers,
        base_price_money: Money::usd(unit),
        variation_total_price_money: Money::usd(variation_total),
        gross_sales_money: Money::usd(gross),
        total_tax_money: zero(),
        total_discount_money: zero(),
        total_money: Money::usd(gross),
        total_service_charge_money: zero(),
    }
}

fn modifier(
    rng: &mut ChaCha8Rng,
    id: &str,
    name: &str,
    price: i64,
    version: i64,
) -> OrderLineItemModifier {
    OrderLineItemModifier {
        uid: ids::uid(rng),
        catalog_object_id: id.to_string(),
        catalog_version: version,
        name: name.to_string(),
        quantity: "1".into(),
        base_price_money: Money::usd(price),
        total_price_money: Money::usd(price),
    }
}

#[allow(clippy::too_many_arguments)]
fn order_and_payment(
    rng: &mut ChaCha8Rng,
    cx: &Context,
    v: &Visit,
    persona: Option<&Persona>,
    customer_id: Option<String>,
    staff: usize,
    service: usize,
    second: Option<usize>,
    created_at: Ts,
) -> (Order, Payment) {
    let cat = cx.catalog;
    let version = cat.version_at(created_at);
    let mut items = Vec::new();
    for (k, s) in std::iter::once(service).chain(second).enumerate() {
        let svc = &cat.services[s];
        let mut mods = Vec::new();
        if k == 0 {
            if svc.colour {
                let len = cat.lengths.choose(rng).unwrap_or(&cat.lengths[0]);
                mods.push(modifier(rng, &len.id, &len.name, len.price, version));
            }
            if rand_f(rng) < 0.25 {
                let live: Vec<_> = cat
                    .addons
                    .iter()
                    .filter(|a| a.deleted_at.is_none_or(|d| created_at < d))
                    .collect();
                if let Some(a) = live.choose(rng) {
                    mods.push(modifier(rng, &a.id, &a.name, a.price, version));
                }
            }
        }
        let price = cat.price_at(svc, created_at);
        items.push(line_item(
            rng,
            &svc.item_name,
            &svc.variation_name,
            &svc.variation_id,
            version,
            price,
            1,
            mods,
        ));
    }
    if rand_f(rng) < 0.12 {
        let r = cat.retail.choose(rng).unwrap_or(&cat.retail[0]);
        let qty = if rand_f(rng) < 0.85 { 1 } else { 2 };
        items.push(line_item(
            rng,
            &r.item_name,
            "Regular",
            &r.variation_id,
            version,
            r.price,
            qty,
            vec![],
        ));
    }
    let amount: i64 = items.iter().map(|i| i.total_money.amount).sum();
    let cash_rate = persona.map_or(0.5, |p| p.cash_rate);
    let cash = rand_f(rng) < cash_rate;
    let tip = if !cash && rand_f(rng) < 0.85 {
        ((amount as f64 * rng.random_range(0.15..0.25)) / 100.0).round() as i64 * 100
    } else {
        0
    };
    let total = amount + tip;
    let order_id = ids::order(rng);
    let payment_id = ids::payment(rng);
    let location_id = cx.locations[v.location].id.clone();
    let team_member_id = cx.team[staff].id.clone();
    let paid_at = created_at.plus(rng.random_range(SECOND..30 * SECOND));
    let fee = (!cash).then(|| Money::usd((total as f64 * 0.026).round() as i64 + 10));
    let (card, fingerprint, brand) = match persona.and_then(|p| p.card.clone()) {
        Some((b, last4, fp)) => (last4, fp, b),
        None => (
            ids::digits(rng, 4),
            format!("sq-1-{}", ids::token(rng, 40)),
            "VISA",
        ),
    };
    let entry = *["EMV", "EMV", "CONTACTLESS", "CONTACTLESS", "KEYED"]
        .choose(rng)
        .unwrap_or(&"EMV");
    let payment = Payment {
        id: payment_id.clone(),
        created_at: paid_at,
        updated_at: paid_at.plus(rng.random_range(SECOND..5 * SECOND)),
        amount_money: Money::usd(amount),
        tip_money: (tip > 0).then(|| Money::usd(tip)),
        total_money: Money::usd(total),
        approved_money: Money::usd(total),
        refunded_money: None,
        processing_fee: fee
            .map(|f| {
                vec![ProcessingFee {
                    effective_at: paid_at.plus(2 * HOUR),
                    kind: "INITIAL",
                    amount_money: f,
                }]
            })
            .unwrap_or_default(),
        status: "COMPLETED",
        source_type: if cash { "CASH" } else { "CARD" },
        card_details: (!cash).then(|| CardPaymentDetails {
            status: "CAPTURED",
            card: Card {
                card_brand: brand,
                last_4: card.clone(),
                exp_month: rng.random_range(1..=12),
                exp_year: rng.random_range(2026..2031),
                fingerprint: fingerprint.clone(),
                card_type: if rand_f(rng) < 0.7 { "CREDIT" } else { "DEBIT" },
                prepaid_type: "NOT_PREPAID",
                bin: ids::digits(rng, 6),
            },
            entry_method: entry,
            cvv_status: "CVV_NOT_CHECKED",
            avs_status: "AVS_NOT_CHECKED",
            statement_description: "SQ *WILLOW & SHEAR".into(),
            card_payment_timeline: CardPaymentTimeline {
                authorized_at: paid_at,
                captured_at: paid_at,
            },
        }),
        cash_details: cash.then(|| {
            let step = if total > 10_000 { 2_000 } else { 1_000 };
            let supplied = (total + step - 1) / step * step;
            CashPaymentDetails {
                buyer_supplied_money: Money::usd(supplied),
                change_back_money: Money::usd(supplied - total),
            }
        }),
        location_id: location_id.clone(),
        order_id: order_id.clone(),
        customer_id: customer_id.clone(),
        employee_id: team_member_id.clone(),
        team_member_id,
        refund_ids: vec![],
        receipt_number: payment_id[..4].to_string(),
        receipt_url: format!("https://squareup.com/receipt/preview/{payment_id}"),
        application_details: ApplicationDetails {
            square_product: "SQUARE_POS",
            application_id: APP_ID.into(),
        },
        is_offline_payment: false,
        offline_payment_details: None,
        version_token: ids::token(rng, 49),
    };
    let tender = Tender {
        id: payment_id.clone(),
        location_id: location_id.clone(),
        transaction_id: order_id.clone(),
        created_at: paid_at,
        amount_money: Money::usd(total),
        tip_money: (tip > 0).then(|| Money::usd(tip)),
        processing_fee_money: fee,
        customer_id: customer_id.clone(),
        kind: if cash { "CASH" } else { "CARD" },
        card_details: (!cash).then_some(TenderCardDetails {
            status: "CAPTURED",
            card: TenderCard {
                card_brand: brand,
                last_4: card,
                fingerprint,
            },
            entry_method: entry,
        }),
        cash_details: payment.cash_details.as_ref().map(|c| TenderCashDetails {
            buyer_tendered_money: c.buyer_supplied_money,
            change_back_money: c.change_back_money,
        }),
        payment_id: payment_id.clone(),
    };
    let closed_at = paid_at.plus(SECOND);
    let order = Order {
        id: order_id,
        location_id,
        source: OrderSource {
            name: "Square Point of Sale",
        },
        customer_id,
        line_items: items,
        net_amounts: MoneyAmounts {
            total_money: Money::usd(total),
            tax_money: zero(),
            discount_money: zero(),
            tip_money: Money::usd(tip),
            service_charge_money: zero(),
        },
        created_at,
        updated_at: closed_at,
        closed_at,
        state: "COMPLETED",
        version: 4,
        total_money: Money::usd(total),
        total_tax_money: zero(),
        total_discount_money: zero(),
        total_tip_money: Money::usd(tip),
        total_service_charge_money: zero(),
        net_amount_due_money: zero(),
        tenders: vec![tender],
        refunds: vec![],
    };
    (order, payment)
}

fn refund(
    rng: &mut ChaCha8Rng,
    cx: &Context,
    order: &mut Order,
    payment: &mut Payment,
    out: &mut Vec<PaymentRefund>,
) {
    let at = payment
        .created_at
        .plus(rng.random_range(2 * HOUR..10 * DAY));
    if at > cx.now.minus(MINUTE) {
        return;
    }
    let full = rand_f(rng) < 0.6;
    let amount = if full {
        payment.total_money.amount
    } else {
        (payment.amount_money.amount * rng.random_range(20..50) / 100).max(100)
    };
    let id = ids::refund(rng, &payment.id);
    let reason = (*names::REFUND_REASONS.choose(rng).unwrap_or(&"Refund")).to_string();
    let cash = payment.source_type == "CASH";
    let r = PaymentRefund {
        id: id.clone(),
        status: "COMPLETED",
        amount_money: Money::usd(amount),
        payment_id: payment.id.clone(),
        order_id: order.id.clone(),
        location_id: payment.location_id.clone(),
        reason: reason.clone(),
        created_at: at,
        updated_at: at.plus(rng.random_range(SECOND..20 * SECOND)),
        processing_fee: if cash {
            vec![]
        } else {
            vec![ProcessingFee {
                effective_at: at,
                kind: "ADJUSTMENT",
                amount_money: Money::usd(-(amount as f64 * 0.026).round() as i64),
            }]
        },
        destination_type: if cash { "CASH" } else { "CARD" },
        team_member_id: payment.team_member_id.clone(),
    };
    payment.refunded_money = Some(Money::usd(amount));
    payment.refund_ids.push(id.clone());
    payment.updated_at = r.updated_at;
    order.refunds.push(OrderRefund {
        id,
        location_id: order.location_id.clone(),
        transaction_id: order.id.clone(),
        tender_id: payment.id.clone(),
        created_at: at,
        reason,
        amount_money: Money::usd(amount),
        status: "APPROVED",
    });
    order.updated_at = r.updated_at;
    order.version += 1;
    out.push(r);
}

fn new_account(
    rng: &mut ChaCha8Rng,
    cx: &Context,
    p: &Persona,
    customer_id: &str,
    at: Ts,
) -> LoyaltyAccount {
    let at = at.max(cx.program.created_at);
    LoyaltyAccount {
        id: ids::uuid(rng),
        mapping: LoyaltyAccountMapping {
            id: ids::uuid(rng),
            created_at: at,
            phone_number: p.phone.clone().unwrap_or_default(),
        },
        program_id: cx.program.id.clone(),
        balance: 0,
        lifetime_points: 0,
        customer_id: customer_id.to_string(),
        enrolled_at: at,
        created_at: at,
        updated_at: at,
    }
}

fn event(
    rng: &mut ChaCha8Rng,
    kind: &'static str,
    at: Ts,
    account: &LoyaltyAccount,
    location_id: &str,
) -> LoyaltyEvent {
    LoyaltyEvent {
        id: ids::uuid(rng),
        kind,
        created_at: at,
        accumulate_points: None,
        create_reward: None,
        redeem_reward: None,
        adjust_points: None,
        loyalty_account_id: account.id.clone(),
        location_id: location_id.to_string(),
        source: "SQUARE",
    }
}

fn accrue(
    rng: &mut ChaCha8Rng,
    cx: &Context,
    acct: &mut LoyaltyAccount,
    events: &mut Vec<LoyaltyEvent>,
    order: &Order,
) {
    let program_id = cx.program.id.clone();
    let at = order.closed_at.plus(SECOND);
    let mut e = event(rng, "ACCUMULATE_POINTS", at, acct, &order.location_id);
    e.accumulate_points = Some(PointsWithOrder {
        loyalty_program_id: program_id.clone(),
        points: 1,
        order_id: order.id.clone(),
    });
    events.push(e);
    acct.balance += 1;
    acct.lifetime_points += 1;
    acct.updated_at = at;
    if acct.balance >= REWARD_POINTS {
        let reward_id = ids::uuid(rng);
        let mut c = event(
            rng,
            "CREATE_REWARD",
            at.plus(SECOND),
            acct,
            &order.location_id,
        );
        c.create_reward = Some(CreateReward {
            loyalty_program_id: program_id.clone(),
            reward_id: reward_id.clone(),
            points: -REWARD_POINTS,
        });
        let mut r = event(
            rng,
            "REDEEM_REWARD",
            at.plus(2 * SECOND),
            acct,
            &order.location_id,
        );
        r.redeem_reward = Some(RedeemReward {
            loyalty_program_id: program_id.clone(),
            reward_id,
            order_id: order.id.clone(),
        });
        events.push(c);
        events.push(r);
        acct.balance -= REWARD_POINTS;
        acct.updated_at = at.plus(2 * SECOND);
    }
    if rand_f(rng) < 0.01 {
        let mut a = event(
            rng,
            "ADJUST_POINTS",
            at.plus(3 * SECOND),
            acct,
            &order.location_id,
        );
        a.source = "LOYALTY_API";
        a.adjust_points = Some(AdjustPoints {
            loyalty_program_id: program_id,
            points: 2,
            reason: "Birthday bonus".into(),
        });
        events.push(a);
        acct.balance += 2;
        acct.lifetime_points += 2;
        acct.updated_at = at.plus(3 * SECOND);
    }
}
