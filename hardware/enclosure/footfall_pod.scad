// Footfall pod enclosure. All dimensions: params.scad. Render one part at a time:
//   openscad -D 'part="base"' -D 'variant="lace"' -o base_lace.stl footfall_pod.scad
// part: "base" | "lid" | "assembly" (preview, lid lifted) | "collision" | "outside" | "parts"
//   collision = closed enclosure AND the parts it holds: must be empty (nothing overlaps);
//   outside   = the parts MINUS the hull of the closed enclosure: must be empty (all inside);
//   parts     = the held parts alone (board, battery, DRV2605L, motor, switch).
// variant: "lace" (ears with lace slots) | "heel" (spring clip over the heel counter)
// nudge: moves the battery by [x, y, z] mm (the fit test's negative control).
include <params.scad>;

part = "assembly";
variant = "lace";
nudge = [0, 0, 0];
$fn = 32;

// ---- Where the parts sit (outer coordinates: the base's outer box starts at the origin) ----
board_x0 = wall + clearance + usb_overhang;
board_y0 = wall + (cav_w - board_w) / 2;
board_z0 = floor_t + rib_h;
usb_zc = board_z0 + usb_z;
battery_x0 = wall + clearance;
battery_y0 = wall + (cav_w - battery_w) / 2;
battery_z0 = board_z0 + board_h + foam_h;
zone2_x0 = wall + zone2_x;
haptic_xc = zone2_x0 + zone2_l / 2;
mid_y = outer_w / 2;
motor_z0 = floor_t - motor_pocket_depth;
drv_z0 = motor_z0 + motor_h + stack_gap;
switch_z0 = base_h - button_nub_h - stack_gap - switch_h;

echo("FOOTFALL_ENCLOSURE", outer_l = outer_l, outer_w = outer_w, outer_h = outer_h, base_h = base_h,
     cav_l = cav_l, cav_w = cav_w, cav_h = cav_h);

module rbox(l, w, h, r) {
    hull() for (x = [r, l - r], y = [r, w - r]) translate([x, y, 0]) cylinder(r = r, h = h);
}

// ---- The held parts, as envelopes ----
module board() {
    translate([board_x0, board_y0, board_z0]) cube([board_l, board_w, board_h]);
    // USB-C receptacle sticking out past the PCB edge
    translate([board_x0 - usb_overhang, board_y0 + board_w / 2 - usb_recept_w / 2, usb_zc - usb_recept_h / 2])
        cube([usb_overhang + 0.01, usb_recept_w, usb_recept_h]);
}
module battery() {
    translate(nudge) translate([battery_x0, battery_y0, battery_z0])
        cube([battery_l, battery_w, battery_h]);
}
module motor() { translate([haptic_xc, mid_y, motor_z0]) cylinder(d = motor_d, h = motor_h); }
module drv() { translate([haptic_xc - drv_l / 2, mid_y - drv_w / 2, drv_z0]) cube([drv_l, drv_w, drv_h]); }
module tact_switch() {
    translate([haptic_xc - switch_l / 2, mid_y - switch_w / 2, switch_z0]) cube([switch_l, switch_w, switch_h]);
}
module held_parts() { board(); battery(); motor(); drv(); tact_switch(); }

// ---- Shell ----
module cavity() {
    r = max(corner_r - wall, min_inner_r);
    translate([wall, wall, floor_t]) rbox(cav_l, cav_w, cav_h + 1, r);
}
module base_body() {
    difference() {
        rbox(outer_l, outer_w, base_h, corner_r);
        cavity();
        // outer step at the wall top, covered by the lid's skirt
        translate([0, 0, base_h - skirt_h]) difference() {
            translate([-1, -1, 0]) cube([outer_l + 2, outer_w + 2, skirt_h + 1]);
            translate([skirt_t, skirt_t, -1])
                rbox(outer_l - 2 * skirt_t, outer_w - 2 * skirt_t, skirt_h + 3, corner_r - skirt_t);
        }
        // USB-C opening and the overmould recess in the x = 0 end wall
        translate([-1, mid_y - usb_open_w / 2, usb_zc - usb_open_h / 2])
            cube([wall + 2, usb_open_w, usb_open_h]);
        translate([-1, mid_y - usb_recess_w / 2, usb_zc - usb_recess_h / 2])
            cube([usb_recess_depth + 1, usb_recess_w, usb_recess_h]);
        // coin motor pocket in the floor
        translate([haptic_xc, mid_y, motor_z0 - 0.01])
            cylinder(d = motor_d + 2 * clearance, h = motor_pocket_depth + 1);
    }
    // ribs under the board (the wires to the BAT pads run between them)
    for (y = [board_y0 + rib_inset, board_y0 + board_w - rib_inset - rib_w])
        translate([board_x0 + rib_end_inset, y, floor_t - 0.01])
            cube([board_l - 2 * rib_end_inset, rib_w, rib_h + 0.01 - rib_gap]);
}
module lace_ears() {
    difference() {
        translate([corner_r, -ear_w, 0]) rbox(outer_l - 2 * corner_r, outer_w + 2 * ear_w, ear_t, ear_corner_r);
        for (f = lace_slot_pos, y = [-ear_w / 2, outer_w + ear_w / 2])
            translate([f * outer_l, y, ear_t / 2]) hull() for (dx = [-1, 1])
                translate([dx * (lace_slot_l - lace_slot_w) / 2, 0, 0])
                    cylinder(d = lace_slot_w, h = ear_t + 2, center = true);
    }
}
module heel_clip() {
    y0 = mid_y - heel_clip_w / 2;
    z_tongue = -heel_gap - heel_clip_t;
    // closed end at x = outer_l (the top of the pod when worn; USB-C points down)
    translate([outer_l - heel_bridge_l, y0, z_tongue]) cube([heel_bridge_l, heel_clip_w, heel_gap + heel_clip_t + 0.01]);
    translate([outer_l - heel_clip_l, y0, z_tongue]) cube([heel_clip_l, heel_clip_w, heel_clip_t]);
    // inward bump at the tip that keeps the clip on the heel counter
    translate([outer_l - heel_clip_l + 2 * heel_lip_h, y0, z_tongue + heel_clip_t]) rotate([-90, 0, 0])
        cylinder(r = heel_lip_h, h = heel_clip_w);
}
module base(v) {
    base_body();
    // the ears stay outside the cavity's footprint (the floor there is the base's own)
    if (v == "lace") difference() { lace_ears(); translate([wall, wall, -1]) cube([cav_l, cav_w, ear_t + 2]); }
    if (v == "heel") heel_clip();
}
module lid() {
    tongue_x = haptic_xc - button_len + button_d / 2;
    difference() {
        union() {
            translate([0, 0, base_h]) rbox(outer_l, outer_w, lid_t, corner_r);
            // skirt over the stepped wall top
            translate([0, 0, base_h - skirt_h]) difference() {
                rbox(outer_l, outer_w, skirt_h + 0.01, corner_r);
                translate([skirt_t - skirt_clearance, skirt_t - skirt_clearance, -1])
                    rbox(outer_l - 2 * (skirt_t - skirt_clearance), outer_w - 2 * (skirt_t - skirt_clearance),
                         skirt_h + 3, corner_r - skirt_t + skirt_clearance);
            }
        }
        // U-shaped slot leaves a flexure tongue over the tactile switch
        translate([0, 0, base_h - 1]) difference() {
            hull() for (x = [tongue_x, haptic_xc]) translate([x, mid_y, 0])
                cylinder(d = button_d + 2 * button_slot, h = lid_t + 2);
            hull() for (x = [tongue_x - button_d, haptic_xc]) translate([x, mid_y, -1])
                cylinder(d = button_d, h = lid_t + 4);
        }
    }
    // nub under the tongue tip that presses the switch
    translate([haptic_xc, mid_y, base_h - button_nub_h]) cylinder(d = button_nub_d, h = button_nub_h + 0.01);
}

if (part == "base") base(variant);
if (part == "lid") translate([0, 0, outer_h]) rotate([180, 0, 0]) lid();   // printing position
if (part == "parts") held_parts();
if (part == "assembly") {
    color("SteelBlue") base(variant);
    color("DarkGreen") board();
    color("Silver") battery();
    color("Purple") drv();
    color("Orange") motor();
    color("Black") tact_switch();
    color("LightBlue") translate([0, 0, preview_lift]) lid();   // lifted, to show the inside
}
if (part == "collision") intersection() {
    union() { base(variant); lid(); }
    held_parts();
}
if (part == "outside") difference() {
    held_parts();
    hull() { base_body(); lid(); }
}
