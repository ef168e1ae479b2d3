// Footfall pod enclosure: EVERY dimension lives here (mm). footfall_pod.scad only combines them.
// Axes: X along the pod (USB-C end at x = 0), Y across, Z up from the underside of the floor.
// The parts the pod holds are modelled as boxes at least as large as the real part, so the fit
// check (tests/test_hardware_enclosure.py) errs on the safe side.

// --- Parts (envelopes, including the tallest component) ---
board_l = 21.0;        // Seeed XIAO nRF52840 Sense PCB length (USB-C end to far end)
board_w = 17.8;        // PCB width
board_h = 4.6;         // PCB 1.0 + USB-C receptacle 3.2 on top + 0.4 margin
usb_overhang = 1.2;    // the USB-C receptacle sticks out past the PCB edge by up to this
usb_z = 2.6;           // centre height of the USB-C receptacle above the PCB underside
usb_recept_w = 9.0;    // USB-C receptacle envelope (8.94 mm wide shell), across
usb_recept_h = 3.2;    // ... and its height

battery_l = 25.5;      // LiPo "402025" pouch (4.0 x 20 x 25 mm nominal, ~150 mAh) + swelling
battery_w = 20.5;
battery_h = 4.4;

drv_l = 12.7;          // Adafruit DRV2605L breakout (#2305), 0.5" along X
drv_w = 17.8;          // 0.7" along Y
drv_h = 3.0;           // PCB 1.6 + chip and wires

motor_d = 10.2;        // 10 mm coin ERM or LRA (e.g. 10 x 2.7 mm ERM, 10 x 3.0 mm LRA)
motor_h = 3.2;

switch_l = 6.2;        // 6 x 6 mm tactile switch, 3.5 mm tall, glued under the lid
switch_w = 6.2;
switch_h = 3.6;

// --- Clearances and stack ---
clearance = 0.4;       // around every part, per side (FDM tolerance)
rib_h = 1.2;           // floor ribs under the board: room for the wires to BAT+/BAT- pads
rib_w = 1.2;
rib_inset = 1.5;       // ribs sit this far in from the board's long edges ...
rib_end_inset = 1.0;   // ... and stop this short of its ends
rib_gap = 0.2;         // foam tape between the ribs and the board (the fit check wants no contact)
stack_gap = 0.2;       // motor to DRV2605L, and lid nub to switch
foam_h = 0.5;          // foam tape between the board and the battery above it
top_gap = 0.3;         // battery to lid

// --- Shell ---
wall = 1.8;            // side walls
floor_t = 1.6;         // floor under the board: thin, so the IMU feels the shoe
lid_t = 1.6;
corner_r = 3.0;        // outer corner radius (plan view)
skirt_h = 2.0;         // the lid's skirt overlaps the outside of the wall top by this much
skirt_t = 0.9;         // skirt thickness = the step cut into the wall top
skirt_clearance = 0.15;
motor_pocket_depth = 0.8; // coin motor sits this deep in the floor (glue well, best coupling)
zone_gap = 0.6;        // between the board/battery zone and the haptic zone

// USB-C opening in the x = 0 end wall (plug shell 8.34 x 2.56 mm, USB-C spec) and a recess
// for the cable's overmould.
usb_open_w = 9.6;
usb_open_h = 3.8;
usb_recess_w = 12.6;
usb_recess_h = 6.6;
usb_recess_depth = 0.8;

// Button: a flexure tongue cut into the lid over the tactile switch.
button_d = 7.0;        // tongue width
button_slot = 0.6;     // slot width around the tongue
button_len = 9.0;      // tongue length
button_nub_h = 0.8;    // nub under the tongue that presses the switch
button_nub_d = 3.0;

// --- Mounts ---
// Lace variant: an ear on each side with two slots; the lace is threaded through them.
ear_w = 6.0;           // how far each ear sticks out past the wall
ear_t = 2.4;           // ear thickness (at floor level)
lace_slot_l = 10.0;    // slot length along X (flat laces up to ~9 mm)
lace_slot_w = 2.6;     // slot width across
lace_slot_pos = [0.27, 0.73]; // slot centres as fractions of the pod length
ear_corner_r = 2.0;

// Heel variant: a spring clip that slides down over the heel counter of the shoe.
heel_gap = 3.5;        // heel counter + lining thickness to grip
heel_clip_t = 2.0;     // clip tongue thickness
heel_clip_l = 30.0;    // tongue length from the closed end
heel_clip_w = 18.0;    // tongue width
heel_lip_h = 0.8;      // inward bump at the tongue tip that keeps the clip on
heel_bridge_l = 4.0;   // length of the closed end joining the tongue to the base

// --- Rendering ---
min_inner_r = 0.5;     // smallest cavity corner radius
preview_lift = 14;     // the preview shows the lid lifted by this much

// --- Derived (do not edit below) ---
zone1_l = max(battery_l, board_l + usb_overhang) + 2 * clearance;  // board + battery zone
zone2_l = max(drv_l, motor_d, switch_l) + 2 * clearance;           // haptic + button zone
cav_l = zone1_l + zone_gap + zone2_l;
cav_w = max(battery_w, board_w, drv_w) + 2 * clearance;
cav_h = rib_h + board_h + foam_h + battery_h + top_gap;
outer_l = cav_l + 2 * wall;
outer_w = cav_w + 2 * wall;
base_h = floor_t + cav_h;
outer_h = base_h + lid_t;
zone2_x = zone1_l + zone_gap;   // where the haptic zone starts (cavity coordinates)
